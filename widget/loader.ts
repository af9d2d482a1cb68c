/**
 * The script-tag entry, built as dist/tipsy-chat.js (classic script) and
 * dist/tipsy-chat.mjs (module): defines `<tipsy-chat>` and nothing more. The
 * chat itself is an ES module built next to it, imported when it is needed.
 */
import { defineTipsyChat } from './tipsy-chat/tipsy-chat.js';

/** The chat module's file and version (`tipsy-chat-panel.mjs?v=…`), set at build time by vite.config.ts. */
declare const TIPSY_CHAT_MODULE: string;

// Read while this script first runs: only then does document.currentScript point at a classic script.
// A module has no current script, and knows its own URL instead.
const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src || import.meta.url;

defineTipsyChat((attempt) =>
  // A failed import may be remembered for its URL: a retry asks for a new one.
  import(/* @vite-ignore */ new URL(TIPSY_CHAT_MODULE + (attempt ? `&retry=${attempt}` : ''), scriptUrl).href),
);
