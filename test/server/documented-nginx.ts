/**
 * The nginx configuration the deployment guide gives (deploy/nginx.conf), run as
 * an operator runs it: TLS ended by nginx with a certificate made here, plain
 * HTTP redirected, two server processes behind it. Only the values on the
 * file's `# EDIT` lines change (this machine's addresses, ports and certificate).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mainConfig, runNginx, type Nginx } from './nginx.js';
import { freePort } from './server-processes.js';

export const DEPLOYED_CONFIG = new URL('../../deploy/nginx.conf', import.meta.url).pathname;

export const hasOpenssl = () => spawnSync('openssl', ['version']).status === 0;

export interface Certificate {
  certFile: string;
  keyFile: string;
  /** The certificate in PEM, for clients to trust (it is its own authority). */
  pem: string;
  remove(): void;
}

/** A self-signed certificate for 127.0.0.1 (its subjectAltName, so clients verify it rather than skip verification). */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'tipsy-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.error?.message ?? made.stderr}`);
  return { certFile, keyFile, pem: readFileSync(certFile, 'utf8'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Replaces each `from` by its `to`; each must be in the text exactly once, so an edit of the file cannot slip past. */
function withValues(text: string, values: ReadonlyArray<readonly [from: string, to: string]>): string {
  for (const [from, to] of values) {
    const found = text.split(from).length - 1;
    if (found !== 1) throw new Error(`deploy/nginx.conf: expected "${from}" once, found it ${found} times`);
    text = text.replace(from, () => to);
  }
  return text;
}

export interface DocumentedNginx extends Nginx {
  /** The plain-HTTP server (the file's port 80), which only redirects. */
  redirectUrl: string;
}

/**
 * Runs deploy/nginx.conf, included in a minimal main configuration as conf.d/ would be, in front of
 * two server processes. Starting is `nginx -t` and more: runNginx fails if nginx refuses the file.
 */
export async function startDocumentedNginx(upstreams: readonly [string, string], certificate: Certificate): Promise<DocumentedNginx> {
  const redirectPort = await freePort();
  const [a, b] = upstreams.map((url) => new URL(url).host);
  const proxy = await runNginx((dir, port) => {
    const included = join(dir, 'tipsy.conf');
    const text = withValues(readFileSync(DEPLOYED_CONFIG, 'utf8'), [
      ['server 127.0.0.1:8787;', `server ${a};`],
      ['server 127.0.0.1:8788;', `server ${b};`],
      ['listen 443 ssl http2;', `listen 127.0.0.1:${port} ssl http2;`],
      ['listen 80;', `listen 127.0.0.1:${redirectPort};`],
      ['/etc/letsencrypt/live/chat.example.com/fullchain.pem', certificate.certFile],
      ['/etc/letsencrypt/live/chat.example.com/privkey.pem', certificate.keyFile],
    ]);
    writeFileSync(included, text);
    return mainConfig(dir, `  include ${included};`);
  }, 'https');
  return { ...proxy, redirectUrl: `http://127.0.0.1:${redirectPort}` };
}
