import type { ErrorBody } from '../../server/protocol/errors.js';
import type { Message } from '../../server/protocol/message.js';
import { errorBodyOf } from '../transport/api.js';
import { LiveConnection } from '../transport/live-connection.js';
import type { VisitorSession } from '../transport/visitor-session.js';
import { HistorySync } from './history-sync.js';
import type { MessageList } from './message-list.js';

/** `fallback`: no socket could be opened; sends go over HTTP and history is polled. */
export type Connection = 'offline' | 'connecting' | 'online' | 'fallback';

/** What the live connection changes in the chat's state. */
export interface LiveView {
  readonly list: MessageList;
  connection(state: Connection): void;
  characterTyping(typing: boolean): void;
  /** The person answering in the character's place, or undefined: the character. */
  agent(name: string | undefined): void;
  stored(message: Message): void;
  report(error: ErrorBody): void;
  recovered(): void;
  changed(): void;
}

/**
 * Keeps the view live: a socket when one can be had (with catch-up from history
 * after every reconnect), polling history over HTTP when none can.
 */
export function startLiveSync(session: VisitorSession, view: LiveView): { live: LiveConnection; sync: HistorySync } {
  view.connection('connecting');
  const fromHistory = (message: Message) => {
    view.list.heard(message.seq);
    view.stored(message);
  };
  const sync = new HistorySync(session, () => view.list.catchUpCursor, fromHistory, view.report);
  const live = new LiveConnection(session.target.server, () => session.token ?? '', session.conversationId!, {
    joined: (_again, agent) => {
      view.agent(agent);
      view.connection('online');
      // Whatever was stored before this join (while away, polling, or loading) comes from history.
      void sync.catchUp();
      sync.stopPolling();
      view.recovered();
    },
    dropped: () => {
      view.connection('connecting');
      view.characterTyping(false);
    },
    unreachable: () => {
      // No socket: keep talking over HTTP, and poll for what others (and the character) say.
      view.connection('fallback');
      sync.startPolling();
    },
    refused: (error) => {
      view.connection('offline');
      view.report(error);
    },
    refreshToken: async () => {
      try {
        await session.start();
      } catch (error) {
        view.report(errorBodyOf(error));
        throw error;
      }
    },
    answeredBy: view.agent,
    message: view.stored,
    stream: (event) => {
      view.list.stream(event);
      view.characterTyping(false);
      view.changed();
    },
    typing: (event) => {
      // The character's typing, or the person's answering in its place.
      if (event.sender_type !== 'user') view.characterTyping(event.typing && !view.list.streaming);
    },
  });
  return { live, sync };
}
