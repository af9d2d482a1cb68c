import { createHash } from 'node:crypto';

/** The chat module's file in the built widget: the loader asks for it by version. */
export const CHAT_FILE = 'tipsy-chat-panel.mjs';

/** A chat module's version: its content hash, which the build writes into the loader and the server checks. */
export function chatModuleVersion(code: string | Uint8Array): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}
