/**
 * Compiled by `npm run typecheck`, never run: a page's listeners for the tipsy-* events get their
 * types, on the element and on any ancestor, and a wrong use does not compile.
 */
import type { SenderType } from '../server/protocol/message.js';
import type { ErrorCode } from '../server/protocol/errors.js';
import type { TipsyChat } from './tipsy-chat/tipsy-chat.js';
import type {} from './events.js';

declare const element: TipsyChat;

document.addEventListener('tipsy-message', (event) => {
  const sender: SenderType = event.detail.message.sender_type;
  return sender;
});
window.addEventListener('tipsy-error', (event) => {
  const code: ErrorCode = event.detail.code;
  return code;
});
element.addEventListener('tipsy-ready', (event) => event.detail.character.name.toUpperCase());
document.body.addEventListener('tipsy-open', (event) => event.bubbles);

// @ts-expect-error tipsy-open carries no detail
document.addEventListener('tipsy-open', (event) => event.detail.message);
// @ts-expect-error an error's detail is the error itself, not a message
document.addEventListener('tipsy-error', (event) => event.detail.message.sender_type);
// @ts-expect-error a message event's detail holds the message, never an error code
element.addEventListener('tipsy-message', (event) => event.detail.code);
