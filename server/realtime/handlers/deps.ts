import type { Log } from '../../log.js';
import type { ChatService } from '../../chat/service.js';

export interface HandlerDeps {
  chat: ChatService;
  log: Log;
}
