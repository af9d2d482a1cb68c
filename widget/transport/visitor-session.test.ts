import { expect, oneEvent } from '@open-wc/testing';
import '../index.js';
import type { TipsyReadyEvent } from '../events.js';
import type { TipsyChat } from '../tipsy-chat/tipsy-chat.js';
import { mount, testEnv } from '../../test/browser/page-helpers.js';
import type { BrowserTestEnv } from '../../test/browser/server-plugin.js';

/** A page of four chats with one site: two of its characters and two the page defines. */
const FOUR_CHATS: Record<string, string>[] = [{ character: 'barkeep' }, { character: 'guide' }, { 'character-name': 'Old Tom' }, { 'character-name': 'Pip' }];

describe('one visitor per page', () => {
  let env: BrowserTestEnv;
  let starts: { hadToken: boolean }[];
  const realFetch = window.fetch;

  before(async () => (env = await testEnv()));
  beforeEach(() => {
    localStorage.clear();
    // Watches (and passes on, unchanged) what the chats ask the real server.
    starts = [];
    window.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/trpc/session.start')) starts.push({ hadToken: 'visitorToken' in JSON.parse(String(init?.body ?? '{}')) });
      return realFetch(input, init);
    };
  });
  afterEach(() => {
    window.fetch = realFetch;
    document.querySelectorAll('tipsy-chat').forEach((el) => el.remove());
  });

  /** Mounts the four chats at once and resolves with their conversations once all are ready. */
  async function openFourChats(): Promise<string[]> {
    const chats: TipsyChat[] = FOUR_CHATS.map((attributes) => mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', ...attributes }));
    const ready = await Promise.all(chats.map((el) => oneEvent(el, 'tipsy-ready') as Promise<TipsyReadyEvent>));
    return ready.map((event) => event.detail.conversationId);
  }

  /** What the server says about a conversation when asked with `token`: 200 when it is that visitor's. */
  async function historyStatus(token: string, conversationId: string): Promise<number> {
    const input = encodeURIComponent(JSON.stringify({ conversationId }));
    return (await realFetch(`${env.server}/trpc/conversation.history?input=${input}`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  it('four chats opened at once make one visitor between them, each in its own conversation', async () => {
    const conversations = await openFourChats();
    expect(new Set(conversations).size, 'a conversation per character').to.equal(4);
    // The server's word: one token (the visitor's, as stored) opens all four conversations.
    const token = localStorage.getItem(`tipsy-chat:v1:${env.server}:${env.siteKey}:visitor`)!;
    expect(await Promise.all(conversations.map((id) => historyStatus(token, id)))).to.deep.equal([200, 200, 200, 200]);
    expect(starts.filter((s) => !s.hadToken), 'starts that could make a visitor').to.have.length(1);
    expect(starts).to.have.length(4);
  });

  it('shares the visitor within the page where storage is blocked', async () => {
    const own = Object.getOwnPropertyDescriptor(window, 'localStorage');
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get: () => {
        throw new DOMException('The storage is blocked.', 'SecurityError');
      },
    });
    try {
      const conversations = await openFourChats();
      expect(starts.filter((s) => !s.hadToken)).to.have.length(1);
      // A chat added later on the same page is the same visitor too: its start carries the page's token.
      const late = mount({ 'site-key': env.siteKey, server: env.server, mode: 'inline', character: 'barkeep' });
      const { detail } = (await oneEvent(late, 'tipsy-ready')) as TipsyReadyEvent;
      expect(detail.conversationId, 'the barkeep conversation of the same visitor').to.equal(conversations[0]);
      expect(starts.filter((s) => !s.hadToken)).to.have.length(1);
    } finally {
      if (own) Object.defineProperty(window, 'localStorage', own);
      else delete (window as { localStorage?: Storage }).localStorage;
    }
  });
});
