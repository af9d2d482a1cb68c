import type { Log } from '../../chat/replies.js';
import type { ChatService } from '../../chat/service.js';

export interface HandlerDeps {
  chat: ChatService;
  log: Log;
}
