import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Turns TIPSY_TRUST_PROXY into the one trust function both Fastify (its
 * `trustProxy`) and Socket.IO (clientAddress) use, so both see the same client.
 */
export function compileTrust(setting: string): TrustProxy {
  const value = setting.trim().toLowerCase();
  if (value === '' || value === 'false') return () => false;
  if (value === 'true') return () => true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(value.split(',').map((part) => part.trim()).filter(Boolean));
}

/** The client's address: the socket's, or the nearest untrusted one in X-Forwarded-For. */
export function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(req, trust);
}
