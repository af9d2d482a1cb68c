import assert from 'node:assert/strict';
import { CHAT_FILE, chatModuleVersion } from '../../server/http/chat-module.js';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness.js';

const FOR_GOOD = 'public, max-age=31536000, immutable';

describe('serving the widget', () => {
  const widgetDir = mkdtempSync(join(tmpdir(), 'tipsy-widget-'));
  const chatFile = join(widgetDir, CHAT_FILE);
  let h: Harness;

  before(async () => {
    writeFileSync(join(widgetDir, 'tipsy-chat.js'), '/* the loader */');
    writeFileSync(chatFile, 'export const chat = 1;\n');
    h = await startHarness({ config: { widgetDir } });
  });
  after(async () => {
    await h.close();
    rmSync(widgetDir, { recursive: true, force: true });
  });

  const cacheControl = async (path: string) => {
    const response = await fetch(`${h.url}/widget/${path}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    return response.headers.get('cache-control');
  };

  it('keeps the chat module for good under its own version, a retry included', async () => {
    const version = chatModuleVersion('export const chat = 1;\n');
    assert.equal(await cacheControl(`tipsy-chat-panel.mjs?v=${version}`), FOR_GOOD);
    assert.equal(await cacheControl(`tipsy-chat-panel.mjs?v=${version}&retry=1`), FOR_GOOD);
    // A revalidation (304) keeps the same promise.
    const first = await fetch(`${h.url}/widget/tipsy-chat-panel.mjs?v=${version}`);
    await first.arrayBuffer();
    // node:http, not fetch: fetch adds `cache-control: no-cache` to a request that sets If-None-Match itself.
    const again = await new Promise<IncomingMessage>((resolve) =>
      get(`${h.url}/widget/tipsy-chat-panel.mjs?v=${version}`, { headers: { 'if-none-match': first.headers.get('etag')! } }, resolve),
    );
    again.resume();
    assert.equal(again.statusCode, 304);
    assert.equal(again.headers['cache-control'], FOR_GOOD);
  });

  it('lets no cache keep the chat module under another version, as a server mid-deploy is asked for', async () => {
    assert.equal(await cacheControl('tipsy-chat-panel.mjs?v=0123456789ab'), 'no-cache');
  });

  it('follows the chat module when a deploy replaces it under the running server', async () => {
    const old = chatModuleVersion('export const chat = 1;\n');
    writeFileSync(chatFile, 'export const chat = 2;\n');
    utimesSync(chatFile, new Date(), new Date(Date.now() + 5000)); // a new mtime, however coarse the file system's clock
    assert.equal(await cacheControl(`tipsy-chat-panel.mjs?v=${old}`), 'no-cache');
    assert.equal(await cacheControl(`tipsy-chat-panel.mjs?v=${chatModuleVersion('export const chat = 2;\n')}`), FOR_GOOD);
  });

  it('keeps the loader, whose name never changes, for five minutes', async () => {
    assert.equal(await cacheControl('tipsy-chat.js'), 'public, max-age=300');
  });
});
