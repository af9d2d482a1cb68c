import { HistoryInput } from '../../chat/inputs.js';
import { router, visitorProcedure } from '../init.js';

export const conversationRouter = router({
  history: visitorProcedure.input(HistoryInput).query(({ ctx, input }) => ctx.chat.history(ctx.visitor, input)),
});
