import { router } from './init.js';
import { adminRouter } from './routers/admin/index.js';
import { conversationRouter } from './routers/conversation.js';
import { messageRouter } from './routers/message.js';
import { sessionRouter } from './routers/session.js';

export const appRouter = router({
  session: sessionRouter,
  conversation: conversationRouter,
  message: messageRouter,
  admin: adminRouter,
});

/** The whole HTTP API's type; the widget imports it with `import type` only. */
export type AppRouter = typeof appRouter;
