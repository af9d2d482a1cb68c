import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, type TipsyApp } from '../../server/app.js';
import { createSite, updateSite } from '../../server/auth/sites.js';
import { postMessage } from '../../server/chat/messages.js';
import { upsertCharacter } from '../../server/characters/store.js';
import { CharacterBook } from '../../server/characters/character-book.js';
import { ensureDemoSite } from '../../server/demo-seed.js';
import { testConfig } from '../server/harness.js';
import { TEST_ROUTES } from './routes.js';
import { startBlockingProxy, type BlockingProxy, type ProxyMode } from './blocking-proxy.js';


/** What browser tests read from TEST_ROUTES.env. */
export interface BrowserTestEnv {
  server: string;
  siteKey: string;
  /** A site that does not list the test page's origin. */
  lockedSiteKey: string;
  /** The test site's identity secret, so pages can make user-hash values as a host's server would. */
  identitySecret: string;
  /** A site that allows 2 messages per 3 seconds per visitor. */
  limitedSiteKey: string;
  /** The same server behind a proxy the page can switch (see TEST_ROUTES.proxy). */
  proxiedServer: string;
  /** A site that lets one new visitor per address start a session every 4 seconds. */
  busySiteKey: string;
  /** The demo site (server/demo-seed.ts) with its characters and their lorebooks. */
  demoSiteKey: string;
  /** A site that does not let visitors start new conversations (allowNewConversations: false). */
  singleConversationSiteKey: string;
  /** A site whose model budget for the day is spent (0 tokens): its messages are refused with QUOTA_EXCEEDED. */
  spentSiteKey: string;
}

/** Markup the simulated barkeep states from its lorebook, for the tests that show a reply runs none of it. */
const MARKUP_LOREBOOK = CharacterBook.parse({
  entries: [
    { keys: ['onerror='], content: '<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>' },
    { keys: ['[menu]('], content: '**gin** or [menu](https://example.com/menu)' },
    { keys: ['javascript:window.__mdPwned=20'], content: '[x](javascript:window.__mdPwned=20)' },
  ],
});

interface RunnerConfig {
  hostname: string;
  port: number;
}

/** A @web/test-runner plugin: starts the real chat server for the run and tells pages where it is. */
export function tipsyServerPlugin() {
  let app: TipsyApp | undefined;
  let dir: string | undefined;
  let env: BrowserTestEnv | undefined;
  let proxy: BlockingProxy | undefined;
  /** The test site's secret key: the owner's calls (TEST_ROUTES.owner) go through the admin API with it. */
  let secretKey = '';
  return {
    name: 'tipsy-server',
    async serverStart({ config }: { config: RunnerConfig }) {
      dir = mkdtempSync(join(tmpdir(), 'tipsy-browser-'));
      app = await buildServer(testConfig(join(dir, 'tipsy.db'), { simulatedDelayMs: 15 }));
      const pageOrigin = `http://${config.hostname}:${config.port}`;
      const site = await createSite(app.db, { name: 'Browser tests', origins: [pageOrigin] });
      secretKey = site.secretKey;
      const locked = await createSite(app.db, { name: 'Elsewhere', origins: ['https://elsewhere.example'] });
      const limited = await createSite(app.db, { name: 'Strict', origins: [pageOrigin] });
      await updateSite(app.db, limited.siteId, { limits: { messageBurst: { points: 2, seconds: 3 } } });
      const busy = await createSite(app.db, { name: 'Busy', origins: [pageOrigin] });
      await updateSite(app.db, busy.siteId, { limits: { sessionsPerIp: { points: 1, seconds: 4 } } });
      await updateSite(app.db, site.siteId, { allowPageCharacters: true });
      const demo = await ensureDemoSite(app.db, [pageOrigin]);
      for (const siteId of [site.siteId, locked.siteId, limited.siteId, busy.siteId]) {
        await upsertCharacter(app.db, siteId, {
          slug: 'barkeep',
          name: 'Barkeep <b>Bob</b>',
          greeting: 'What will it be? <img src=x onerror="window.__pwned=1">',
          avatarUrl: 'javascript:alert(1)',
          persona: 'A friendly bartender at a cocktail bar.',
          characterBook: MARKUP_LOREBOOK,
        });
        await upsertCharacter(app.db, siteId, { slug: 'guide', name: 'Guide', persona: 'A city tour guide.' });
      }
      // A character whose conversations open with one of three greetings, which the visitor can swipe through.
      await upsertCharacter(app.db, site.siteId, {
        slug: 'host',
        name: 'Host',
        greeting: 'Welcome in!',
        alternateGreetings: ['Good evening.', 'Back again?'],
      });
      // A site that lets each visitor keep one conversation per character.
      const single = await createSite(app.db, { name: 'One conversation', origins: [pageOrigin] });
      await updateSite(app.db, single.siteId, { allowNewConversations: false });
      await upsertCharacter(app.db, single.siteId, { slug: 'guide', name: 'Guide', persona: 'A city tour guide.' });
      const spent = await createSite(app.db, { name: 'Spent', origins: [pageOrigin] });
      await updateSite(app.db, spent.siteId, { budget: { dailyTokens: 0 } });
      await upsertCharacter(app.db, spent.siteId, { slug: 'guide', name: 'Guide', persona: 'A city tour guide.' });
      const server = await app.listen();
      proxy = await startBlockingProxy(server);
      env = {
        proxiedServer: proxy.url,
        server,
        siteKey: site.publishableKey,
        lockedSiteKey: locked.publishableKey,
        identitySecret: site.identitySecret,
        limitedSiteKey: limited.publishableKey,
        busySiteKey: busy.publishableKey,
        demoSiteKey: demo.publishableKey,
        singleConversationSiteKey: single.publishableKey,
        spentSiteKey: spent.publishableKey,
      };
    },
    async serverStop() {
      await proxy?.close();
      await app?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    async serve(context: { path: string; URL: URL }) {
      if (context.path === TEST_ROUTES.env) return { body: JSON.stringify(env), type: 'application/json' };
      if (context.path === TEST_ROUTES.proxy && proxy) {
        proxy.setMode(context.URL.searchParams.get('mode') as ProxyMode);
        return { body: '{}', type: 'application/json' };
      }
      if (context.path === TEST_ROUTES.owner && env) {
        // Through the real admin API, with the site's secret key, as the owner's server (or the studio) calls it.
        const action = context.URL.searchParams.get('action');
        const input = context.URL.searchParams.get('input') ?? '{}';
        const response = await fetch(`${env.server}/trpc/admin.conversations.${action}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
          body: input,
        });
        return { body: await response.text(), type: 'application/json' };
      }
      if (context.path === TEST_ROUTES.seed && app) {
        const conversationId = context.URL.searchParams.get('conversationId') ?? '';
        const count = Number(context.URL.searchParams.get('count'));
        for (let i = 0; i < count; i++) {
          await postMessage(app.db, { conversationId, senderType: i % 2 ? 'character' : 'user', content: `seeded ${i}` });
        }
        return { body: '{}', type: 'application/json' };
      }
      return undefined;
    },
  };
}
