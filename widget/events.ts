import type { ErrorBody } from '../server/protocol/errors.js';
import type { CharacterView } from '../server/protocol/character.js';
import type { Message } from '../server/protocol/message.js';

/** Every event bubbles and crosses the shadow boundary, so the host page can listen on any ancestor. */
const init = { bubbles: true, composed: true } as const;

export class TipsyReadyEvent extends CustomEvent<{ conversationId: string; character: CharacterView }> {
  constructor(detail: TipsyReadyEvent['detail']) {
    super('tipsy-ready', { ...init, detail });
  }
}

export class TipsyOpenEvent extends CustomEvent<void> {
  constructor() {
    super('tipsy-open', init);
  }
}

export class TipsyCloseEvent extends CustomEvent<void> {
  constructor() {
    super('tipsy-close', init);
  }
}

/** A message confirmed by the server: the visitor's own once stored, or the character's reply. */
export class TipsyMessageEvent extends CustomEvent<{ message: Message }> {
  constructor(message: Message) {
    super('tipsy-message', { ...init, detail: { message } });
  }
}

/** How many of the character's replies arrived while the launcher's panel was closed: 0 once it opens. */
export class TipsyUnreadEvent extends CustomEvent<{ count: number }> {
  constructor(detail: TipsyUnreadEvent['detail']) {
    super('tipsy-unread', { ...init, detail });
  }
}

/** The visitor moved to another conversation with the character: a new one, an earlier one reopened, or the one shown after theirs was deleted. */
export class TipsyConversationEvent extends CustomEvent<{ conversationId: string }> {
  constructor(detail: TipsyConversationEvent['detail']) {
    super('tipsy-conversation', { ...init, detail });
  }
}

export class TipsyErrorEvent extends CustomEvent<ErrorBody> {
  constructor(error: ErrorBody) {
    super('tipsy-error', { ...init, detail: error });
  }
}

/** The element's events by name. */
export interface TipsyEventMap {
  'tipsy-ready': TipsyReadyEvent;
  'tipsy-open': TipsyOpenEvent;
  'tipsy-close': TipsyCloseEvent;
  'tipsy-message': TipsyMessageEvent;
  'tipsy-error': TipsyErrorEvent;
  'tipsy-unread': TipsyUnreadEvent;
  'tipsy-conversation': TipsyConversationEvent;
}

// The events bubble and are composed, so a page hears them on any ancestor: on the element,
// document and window alike (their event maps all extend GlobalEventHandlersEventMap). Named on
// HTMLElementEventMap too, where tools that list an element's events look.
declare global {
  interface GlobalEventHandlersEventMap extends TipsyEventMap {}
  interface HTMLElementEventMap extends TipsyEventMap {}
}
