import type { TipsyChat } from './tipsy-chat.js';

/** The chat itself, attached to one element: it renders the panel into the element's shadow root and runs the session. */
export interface AttachedChat {
  /** An attribute changed: render again, and start, restart or stop the session as needed. */
  update(): void;
  connected(): void;
  disconnected(): void;
  /** Resolves false when the message cannot be taken (see TipsyChat.send). */
  send(text: string): Promise<boolean>;
}

/** What the chat module, fetched on demand, exports. */
export interface ChatModule {
  attachChat(element: TipsyChat): AttachedChat;
}

/**
 * Imports the chat module; `attempt` counts earlier failures, so a retry can ask for a fresh copy.
 * `element` is the one that asked first, whose `server` may say where the module is.
 */
export type ImportChat = (attempt: number, element: TipsyChat) => Promise<ChatModule>;

/**
 * Fetches the chat module once for the whole page (every element shares it).
 * After a failure the next call tries again, instead of keeping the failure.
 */
export class ChatModuleLoader {
  #pending?: Promise<ChatModule>;
  #failures = 0;

  readonly #importChat: ImportChat;

  constructor(importChat: ImportChat) {
    this.#importChat = importChat;
  }

  load(element: TipsyChat): Promise<ChatModule> {
    return (this.#pending ??= this.#importChat(this.#failures, element).catch((error: unknown) => {
      this.#pending = undefined;
      this.#failures++;
      throw error;
    }));
  }
}
