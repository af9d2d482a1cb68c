import { TipsyChat } from './tipsy-chat/tipsy-chat.js';

export { TipsyChat };
export * from './events.js';

// The classic script and the module may both end up on one page: define once.
if (!customElements.get('tipsy-chat')) customElements.define('tipsy-chat', TipsyChat);
