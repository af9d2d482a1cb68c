/**
 * A real nginx in front of several server processes, as a deployment runs
 * them: WebSocket upgrades, sticky routing for long polling, and failover to
 * another process when the one a client sticks to is gone. Its own instance,
 * in a temp folder, on an ephemeral port; the system's nginx is never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from './server-processes.js';

export const NGINX = '/usr/sbin/nginx';
export const hasNginx = () => spawnSync(NGINX, ['-v']).status === 0;

export interface Nginx {
  url: string;
  /** Its folder: nginx.conf, error.log, access.log (removed on close). */
  dir: string;
  close(): Promise<void>;
}

/** A whole configuration around `http`-level directives: one worker, its logs and temp files in `dir`. */
export function mainConfig(dir: string, httpLevel: string, workerConnections = 1024): string {
  return `
worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections ${workerConnections}; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
${httpLevel}
}
`;
}

/**
 * Routes each client by its `X-Node` header (a stand-in for a sticky cookie):
 * `a` to the first upstream, `b` to the second, each with the other as backup,
 * so a client whose process dies is sent to a survivor on its next request.
 */
function config(dir: string, port: number, upstreams: readonly string[], workerConnections: number): string {
  const [a, b] = upstreams.map((url) => new URL(url).host);
  return mainConfig(
    dir,
    `
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
  upstream node_a { server ${a} max_fails=1 fail_timeout=30s; server ${b} backup; }
  upstream node_b { server ${b} max_fails=1 fail_timeout=30s; server ${a} backup; }
  map $http_x_node $sticky { default node_a; b node_b; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 256k;
    location / {
      proxy_pass http://$sticky;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 60s;
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout http_502;
    }
  }`,
    workerConnections,
  );
}

/**
 * Routes each client by its `X-Node` header to one of two processes, with the other as backup (see `config`).
 * A proxied socket holds two of the worker's connections (the client's and the upstream's).
 */
export const startNginx = (upstreams: readonly string[], workerConnections = 1024): Promise<Nginx> =>
  runNginx((dir, port) => config(dir, port, upstreams, workerConnections));

/**
 * Runs nginx on the configuration `configFor` writes for its folder (logs and temp files go there)
 * and a free port, and waits until `GET /healthz` answers through it (`scheme` https when it terminates TLS).
 */
export async function runNginx(configFor: (dir: string, port: number) => string, scheme: 'http' | 'https' = 'http'): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-nginx-'));
  mkdirSync(join(dir, 'tmp'));
  const port = await freePort();
  try {
    writeFileSync(join(dir, 'nginx.conf'), configFor(dir, port));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid;`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `${scheme}://127.0.0.1:${port}`;
  const dispatcher = scheme === 'https' ? new Agent({ connect: { rejectUnauthorized: false } }) : undefined;
  for (let waited = 0; ; waited += 50) {
    const up = await undiciFetch(`${url}/healthz`, { dispatcher }).then((r) => r.ok, () => false);
    if (up) break;
    if (waited > 5000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start (see ${dir}/error.log)`);
    }
    await sleep(50);
  }
  await dispatcher?.close();
  return {
    url,
    dir,
    async close() {
      child.kill('SIGQUIT');
      await Promise.race([exited, sleep(3000).then(() => child.kill('SIGKILL'))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
