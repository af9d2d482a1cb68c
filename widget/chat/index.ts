/**
 * The chat module: the panel, the session and the connection, which
 * `<tipsy-chat>` fetches when the visitor wants to talk (built as
 * dist/tipsy-chat-panel.mjs).
 */
import type { ChatModule } from '../tipsy-chat/chat-module.js';
import { ChatView } from './chat-view.js';

export const attachChat: ChatModule['attachChat'] = (element) => new ChatView(element);
