/**
 * The script-tag entry, built as dist/tipsy-chat.js (classic script) and
 * dist/tipsy-chat.mjs (module): defines `<tipsy-chat>` and nothing more. The
 * chat itself is an ES module built next to it, imported when it is needed.
 */
import { defineTipsyChat } from './tipsy-chat/tipsy-chat.js';

/** The chat module's file and version (`tipsy-chat-panel.mjs?v=…`), set at build time by vite.config.ts. */
declare const TIPSY_CHAT_MODULE: string;

// Read while this script first runs: only then does document.currentScript point at a classic script.
// A module has no current script, and knows its own URL instead. A classic script run without a
// <script src> (inlined or evaluated by a tag manager) knows neither.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url;

// Async, so that a URL that cannot be made rejects: the element then says the chat could not be loaded.
defineTipsyChat(async (attempt, element) => {
  // Without the script's URL, the chat module is where the chat server serves it: at the element's
  // server, else at this page's origin, which the chat then talks to as well (transport/server-url.ts).
  const base = scriptUrl || new URL('/widget/', element.server || location.origin);
  // A failed import may be remembered for its URL: a retry asks for a new one.
  return import(/* @vite-ignore */ new URL(TIPSY_CHAT_MODULE + (attempt ? `&retry=${attempt}` : ''), base).href);
});
