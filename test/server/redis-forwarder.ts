/**
 * A TCP forwarder between servers under test and the shared Redis, so a test can
 * take Redis away from them (and give it back) without touching Redis itself.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** `refused`: Redis went down (connections reset, new ones reset at once). `silent`: a partition (nothing arrives, nothing is reset). */
export type Cut = 'refused' | 'silent';

export interface RedisForwarder {
  /** redis://127.0.0.1:<port>: give this to the servers instead of Redis's own address. */
  url: string;
  cut(how?: Cut): Promise<void>;
  /** Redis is back: listening again, or the partition healed (what was held is delivered, as TCP would). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisForwarder(redisUrl: string): Promise<RedisForwarder> {
  const target = new URL(redisUrl);
  const flows = new Set<readonly [Socket, Socket]>();
  const held: Socket[] = []; // clients that connected during a partition: linked when it heals
  let silent = false;
  // Down: the port stays ours (a freed port can be taken by any server a test starts meanwhile) and every connection is reset.
  let down = false;

  const link = (client: Socket) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const flow of [[client, upstream], [upstream, client]] as const) {
      const [from, to] = flow;
      flows.add(flow);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => (flows.delete(flow), to.destroy()));
    }
  };
  const onConnection = (client: Socket) => {
    if (down) return client.resetAndDestroy();
    if (!silent) return link(client);
    client.pause();
    client.on('error', () => undefined);
    held.push(client);
  };
  const server: Server = createServer(onConnection);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  return {
    url: `redis://127.0.0.1:${port}`,
    async cut(how = 'refused') {
      if (how === 'silent') {
        silent = true;
        for (const [from, to] of flows) (from.unpipe(to), from.pause());
        return;
      }
      down = true;
      for (const [from] of flows) from.destroy();
    },
    async restore() {
      if (silent) {
        silent = false;
        for (const [from, to] of flows) from.pipe(to);
        for (const client of held.splice(0)) if (!client.destroyed) (link(client), client.resume());
        return;
      }
      down = false;
    },
    async close() {
      for (const [from] of flows) from.destroy();
      for (const client of held) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
