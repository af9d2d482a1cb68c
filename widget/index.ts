/**
 * Defines `<tipsy-chat>` with the chat imported from source: for the browser
 * tests and for an app that bundles the widget itself. Script tags use
 * loader.ts, built into dist/.
 */
import { defineTipsyChat } from './tipsy-chat/tipsy-chat.js';

export { TipsyChat } from './tipsy-chat/tipsy-chat.js';
export * from './events.js';

defineTipsyChat(() => import('./chat/index.js'));
