import { composerStyles } from './composer.styles.js';
import { errorNoticeStyles } from './error-notice.styles.js';
import { headerStyles } from './header.styles.js';
import { messagesStyles } from './messages.styles.js';
import { panelStyles } from './panel.styles.js';

/**
 * Last, to win over the rules above. A short window (at 400 % zoom, 1280 × 720 becomes 320 × 180):
 * header and composer slim down so messages keep the room.
 */
const shortWindowStyles = `
  @media (max-height: 300px) {
    .header {
      padding-block: 4px;
    }
    .avatar {
      width: 24px;
      height: 24px;
    }
    .composer {
      padding-block: 4px;
    }
    .composer textarea {
      min-height: 32px;
      padding-block: 5px;
    }
  }
`;

/**
 * The panel's styles, part by part, in this order. Public styling API: the --tipsy-* custom
 * properties (read on :host in widget/tipsy-chat/launcher.styles.ts, which is always adopted
 * first) and the parts named in the element's docs. Everything else is private.
 */
export const chatStyles = panelStyles + headerStyles + errorNoticeStyles + messagesStyles + composerStyles + shortWindowStyles;
