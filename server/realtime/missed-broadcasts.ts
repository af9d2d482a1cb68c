/** Past this many rooms, every conversation socket is sent to catch up instead of a list. */
const MAX_ROOMS = 10_000;

/**
 * The rooms whose broadcasts this process could not publish (Redis away or silent): the other
 * processes' sockets in them never heard those messages. Those processes resync their own
 * sockets when *their* link comes back, which may be before this one's; so once this process
 * is back it asks them to send the sockets in these rooms to catch up again.
 */
export class MissedBroadcasts {
  private readonly rooms = new Set<string>();
  private everyRoom = false;

  /** `channelPrefix`: the adapter's channel for the namespace; a broadcast to one room publishes on `<prefix><room>#`. */
  constructor(private readonly channelPrefix: string) {}

  /** A publish on `channel` failed. Requests and answers between processes are not broadcasts: ignored. */
  failed(channel: string): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    // A broadcast to several rooms (or to all) publishes on the bare prefix: its rooms are unknown here.
    this.#missed(channel.slice(this.channelPrefix.length, -1) || null);
  }

  get any(): boolean {
    return this.everyRoom || this.rooms.size > 0;
  }

  /** Rooms asked for that the others did not all confirm: asked for again next time. */
  failedToAsk(rooms: string[] | null): void {
    for (const room of rooms ?? [null]) this.#missed(room);
  }

  /** `null`: rooms not known. */
  #missed(room: string | null): void {
    if (room === null || this.rooms.size >= MAX_ROOMS) this.everyRoom = true;
    else this.rooms.add(room);
  }

  /** What to ask the others to resync (`null`: every room), and forget it. */
  take(): string[] | null {
    const taken = this.everyRoom ? null : [...this.rooms];
    this.rooms.clear();
    this.everyRoom = false;
    return taken;
  }
}
