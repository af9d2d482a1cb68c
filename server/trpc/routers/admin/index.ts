import { router } from '../../init.js';
import { adminCharactersRouter } from './characters.js';
import { adminConversationsRouter } from './conversations.js';
import { adminKeysRouter } from './keys.js';
import { adminSiteRouter } from './site.js';
import { adminWebhooksRouter } from './webhooks.js';

/** Everything a site owner's server can do with its secret key, scoped to that site. */
export const adminRouter = router({
  site: adminSiteRouter,
  keys: adminKeysRouter,
  characters: adminCharactersRouter,
  conversations: adminConversationsRouter,
  webhooks: adminWebhooksRouter,
});
