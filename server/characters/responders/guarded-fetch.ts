import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { TipsyError } from '../../errors.js';
import type { EndpointRules } from './endpoint-rules.js';
import { isIpLiteral, isPrivateAddress } from './private-addresses.js';

/** The fetch the OpenAI client is given (its own `Fetch` type, in global terms). */
export type ModelFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface GuardedFetch {
  fetch: ModelFetch;
  close(): Promise<void>;
}

const refused = (host: string, address: string) =>
  new TipsyError(
    'UNAVAILABLE',
    `The model address ${host}${host === address ? '' : ` resolves to ${address}, which`} is private, and the operator has not allowed it.`,
  );

/**
 * Resolves a name and refuses it when any address it resolves to is private.
 * It runs for every connection, on the addresses the socket then connects
 * to, so a name that resolved to a public address when it was saved cannot
 * be turned (DNS rebinding) toward an internal one.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const found = addresses.find((a) => isPrivateAddress(a.address));
    if (found || !addresses.length) return callback(refused(hostname, found?.address ?? 'no address'), '', 0);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

/** Opens connections only to public addresses, unless the operator allows this host (and port). */
function guardedConnector(rules: EndpointRules): buildConnector.connector {
  const direct = buildConnector({});
  const checked = buildConnector({ lookup: publicOnlyLookup });
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    if (rules.mayReachPrivate(options.hostname, port)) return direct(options, callback);
    // An IP literal is never looked up: it is checked as it stands.
    if (isIpLiteral(options.hostname)) {
      if (isPrivateAddress(options.hostname)) return callback(refused(options.hostname, options.hostname), null);
      return direct(options, callback);
    }
    return checked(options, callback);
  };
}

/**
 * The fetch a responder speaks through: with `rules`, only to the addresses
 * they allow (a site's endpoint); without, anywhere (the operator's default).
 * Redirects are never followed, for either: a 3xx fails the reply, so an
 * endpoint cannot bounce the request (and its API key) somewhere else.
 */
export function guardedFetch(rules?: EndpointRules): GuardedFetch {
  const dispatcher = new Agent(rules ? { connect: guardedConnector(rules) } : {});
  const fetch: ModelFetch = async (input, init) => {
    const response = await undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
      redirect: 'manual',
    });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw new TipsyError('UNAVAILABLE', `The model endpoint answered ${response.status}, a redirect; redirects are not followed.`);
    }
    return response as unknown as Response;
  };
  return { fetch, close: () => dispatcher.close() };
}
