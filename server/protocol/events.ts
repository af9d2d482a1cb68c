import type { AgentView } from './agent.js';
import type { ErrorBody } from './errors.js';
import type { Message, SenderType } from './message.js';
import type {
  ChooseSwipePayload,
  JoinConversationPayload,
  RegeneratePayload,
  SendMessagePayload,
  StopGenerationPayload,
  TypingPayload,
} from './payloads.js';

/** Client payloads are the inputs of the schemas the server parses them with (payloads.ts): written once. */
export type { ChooseSwipePayload, JoinConversationPayload, RegeneratePayload, SendMessagePayload, StopGenerationPayload, TypingPayload };

export type Ack<T> = { ok: true } & T | { ok: false; error: ErrorBody };
export type SendAck = Ack<{ message: Message }>;
/** `agent`: present while a person answers the conversation in the character's place. */
export type JoinAck = Ack<{ conversationId: string; agent?: AgentView }>;
/** `regenerate` and `choose_swipe`: the message as now stored (same id, a new seq). */
export type SwipeAck = Ack<{ message: Message }>;

/** `sender_type: 'agent'`: the person answering in the character's place is typing. */
export interface TypingEvent {
  conversation_id: string;
  sender_type: SenderType;
  typing: boolean;
}

/**
 * Who answers the conversation now: a person (`agent`) who took it over from the
 * character, or the character again (`agent: null`) once they hand it back.
 */
export interface AnsweredByEvent {
  conversation_id: string;
  agent: AgentView | null;
}

export interface MessageStreamEvent {
  conversation_id: string;
  /**
   * The id the finished reply will have in `receive_message`. For a regenerated message, its
   * known id: a stream starting at chunk 0 with another `message_seq` replaces the message's text.
   */
  message_id: string;
  /** 0-based chunk number within this reply. */
  seq: number;
  delta: string;
  /** The reply's place in the conversation (its message `seq`). */
  message_seq: number;
}

/**
 * Acks are typed as present; clients of the original design may still omit
 * them, and the server checks before answering.
 */
export interface ClientToServerEvents {
  join_conversation: (conversationId: JoinConversationPayload, ack: (result: JoinAck) => void) => void;
  send_message: (payload: SendMessagePayload, ack: (result: SendAck) => void) => void;
  typing: (payload: TypingPayload) => void;
  /** Stops whatever reply is streaming in the conversation; what was said so far is kept as the reply. */
  stop_generation: (payload: StopGenerationPayload, ack: (result: Ack<{ stopped: boolean }>) => void) => void;
  /**
   * A new version of the conversation's last message (a character's finished reply, not a greeting):
   * acked with it as stored (status streaming, empty, at a new seq), then streamed like a reply.
   */
  regenerate: (payload: RegeneratePayload, ack: (result: SwipeAck) => void) => void;
  /** Shows another version of the conversation's last message: acked with it, and sent to the room, at a new seq. */
  choose_swipe: (payload: ChooseSwipePayload, ack: (result: SwipeAck) => void) => void;
}

/** Every event a client may send, at run time: anything else is refused before any handler runs. */
export const CLIENT_EVENTS = [
  'join_conversation',
  'send_message',
  'typing',
  'stop_generation',
  'regenerate',
  'choose_swipe',
] as const satisfies readonly (keyof ClientToServerEvents)[];
// The list and the map name the same events: adding one to the map without the list fails to compile.
type MissingFromList = Exclude<keyof ClientToServerEvents, (typeof CLIENT_EVENTS)[number]>;
const everyEventListed: [MissingFromList] extends [never] ? true : MissingFromList = true;
void everyEventListed;

export interface ServerToClientEvents {
  receive_message: (message: Message) => void;
  typing: (event: TypingEvent) => void;
  message_stream: (event: MessageStreamEvent) => void;
  /** A person took the conversation over, or handed it back to the character. */
  answered_by: (event: AnsweredByEvent) => void;
}

/** Between server processes (through the adapter): sites, keys or origins changed; drop caches and re-check sockets. */
export interface InterServerEvents {
  access_changed: () => void;
  /** A visitor asked another process to stop the reply it is streaming. */
  stop_generation: (conversationId: string) => void;
  /** How many sockets are open on the answering process in each of these rooms (a visitor's, an address's). */
  count_sockets: (rooms: string[], answer: (counts: number[]) => void) => void;
  /**
   * A process back from a Redis outage could not publish to these rooms meanwhile (`null`: to
   * rooms it cannot name): the others send their sockets in them to catch up from history, and
   * answer, so that a request lost on the way is asked again.
   */
  resync_rooms: (rooms: string[] | null, done: () => void) => void;
}

/** What the server learns from a socket's handshake: the verified visitor. */
export interface SocketData {
  visitorId: string;
  siteId: string;
  keyId: string;
  /** The client's address (through trusted proxies only). */
  ip: string;
  /** When the socket's token expires (epoch ms): the socket is then asked to reconnect with a fresh one. */
  expiresAt: number;
}

/** The handshake's `auth` payload. The token never travels in a URL. */
export interface HandshakeAuth {
  token: string;
}
