import { isOriginAllowed } from '../auth/origins.js';
import { DIRECTORY_TTL_MS, type SiteDirectory } from '../auth/site-directory.js';
import type { Log } from '../log.js';
import { visitorRoom } from './socket-gates.js';
import { sessionOrigin } from './session-origins.js';
import type { TipsyServer } from './types.js';

/**
 * Ends open sockets whose access is gone: a revoked key, a removed origin, a
 * deleted site, an expired token (the widget reconnects with a fresh one).
 * Runs when this process changes access, when another process says it did,
 * and on a timer that catches changes made by the CLI.
 */
export class AccessSweeper {
  private readonly timer: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly io: TipsyServer,
    private readonly sites: SiteDirectory,
    private readonly log: Log,
    /** Whether other processes share this one's adapter (Redis): only then are they told. */
    private readonly shared: boolean,
  ) {
    this.timer = setInterval(() => void this.sweep(), DIRECTORY_TTL_MS).unref();
  }

  /** Access changed here: drop caches, re-check local sockets, and tell the other processes. */
  async changed(): Promise<void> {
    if (this.shared) this.io.serverSideEmit('access_changed');
    await this.recheck();
  }

  /** A visitor's data was erased: end their sockets on every process. */
  visitorErased(visitorId: string): void {
    this.io.in(visitorRoom(visitorId)).disconnectSockets(true);
  }

  /** Drops cached answers and re-checks every local socket now. */
  async recheck(): Promise<void> {
    this.sites.forget();
    await this.running;
    await this.sweep();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sweep(): Promise<void> {
    this.running ??= this.checkAll()
      .catch((error: unknown) => this.log.error({ err: error }, 'access sweep failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkAll(): Promise<void> {
    for (const socket of this.io.of('/').sockets.values()) {
      const { siteId, keyId, expiresAt } = socket.data;
      if (!siteId) continue; // not authenticated yet
      const site = await this.sites.findById(siteId);
      const live =
        site &&
        expiresAt > Date.now() &&
        (await this.sites.isKeyLive(keyId)) &&
        // The origin the socket's Engine.IO session is bound to: its handshake may have carried none.
        isOriginAllowed(sessionOrigin(socket.conn), site.origins);
      if (!live) socket.disconnect(true);
    }
  }
}
