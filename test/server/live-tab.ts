/**
 * A visitor's tab as the widget keeps it: a socket joined to one conversation that
 * holds what arrives live by `seq`, rejoins when the server sends it away, and then
 * catches up from history after the last `seq` it holds without a gap.
 */
import type { Message } from '../../server/protocol/message.js';
import type { ChatSocket } from '../../widget/transport/socket.js';
import type { Harness } from './harness.js';

export class LiveTab {
  socket!: ChatSocket;
  /** Every stored message this tab has, live or from history, by `seq`. */
  readonly held = new Map<number, Message>();
  /** How many times the server sent this tab away (to reconnect and catch up). */
  resyncs = 0;
  /** Seqs missing below the highest held, at each rejoin: what a cursor at the highest `seq` would never fetch. */
  gapsAtRejoin: number[] = [];
  private rejoined: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly node: Harness,
    private readonly token: string,
    readonly conversationId: string,
    private readonly onLive?: (message: Message) => void,
  ) {}

  static async open(node: Harness, token: string, conversationId: string, onLive?: (message: Message) => void): Promise<LiveTab> {
    const tab = new LiveTab(node, token, conversationId, onLive);
    await tab.join();
    return tab;
  }

  /** Resolves once the tab is joined again, after a resync in progress. */
  ready(): Promise<void> {
    return this.rejoined;
  }

  /** The end of the unbroken run of seqs from 1: what the tab must fetch after. */
  get cursor(): number {
    let seq = 0;
    while (this.held.has(seq + 1)) seq++;
    return seq;
  }

  async catchUp(): Promise<void> {
    let after: string | null = String(this.cursor);
    while (after !== null) {
      const page = await this.node.api({ token: this.token }).conversation.history.query({ conversationId: this.conversationId, after, limit: 50 });
      for (const message of page.messages) this.held.set(message.seq, message);
      after = page.nextCursor;
    }
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }

  private async join(): Promise<void> {
    const socket = await this.node.socket(this.token);
    this.socket = socket;
    socket.on('receive_message', (message) => {
      if (message.conversation_id !== this.conversationId) return;
      this.held.set(message.seq, message);
      this.onLive?.(message);
    });
    socket.on('disconnect', (reason) => {
      if (this.closed || reason !== 'io server disconnect') return;
      // As the widget does: reconnect at once, rejoin, then fetch what was missed.
      this.resyncs++;
      this.rejoined = this.join().then(() => {
        const highest = Math.max(0, ...this.held.keys());
        this.gapsAtRejoin.push(highest - this.held.size);
        return this.catchUp();
      });
      this.rejoined.catch(() => undefined); // whoever awaits ready() hears of a failure; it is not unhandled
    });
    await socket.emitWithAck('join_conversation', this.conversationId);
  }
}
