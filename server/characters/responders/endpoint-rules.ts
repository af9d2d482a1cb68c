import { lookup } from 'node:dns/promises';
import { z } from 'zod';
import { TipsyError } from '../../errors.js';
import { isIpLiteral, isPrivateAddress, unbracketed } from './private-addresses.js';
import type { ResponderSettings } from './settings.js';

/** Who may point characters at a model endpoint of their choosing. */
export const SiteResponders = z.enum(['any', 'listed', 'none']);
export type SiteResponders = z.infer<typeof SiteResponders>;

/** The operator's rules for the model endpoints sites choose (the server's own default is exempt). */
export interface EndpointRulesConfig {
  /** Private addresses a site's endpoint may reach: none (false), any (true), or these `host[:port]`. */
  privateHosts: boolean | readonly string[];
  /** any: sites may use any endpoint; listed: only `listedHosts`; none: only the server's default. */
  siteResponders: SiteResponders;
  /** With `listed`: the `host[:port]` sites may use. */
  listedHosts: readonly string[];
}

export const DEFAULT_ENDPOINT_RULES: EndpointRulesConfig = { privateHosts: false, siteResponders: 'any', listedHosts: [] };

interface HostEntry {
  /** As a URL normalises it, IPv6 without brackets. */
  hostname: string;
  /** Absent: any port. */
  port?: number;
}

/** `host` or `host:port` (IPv6 in brackets), normalised as URLs are; undefined when it is not one. */
export function parseHostEntry(text: string): HostEntry | undefined {
  const trimmed = text.trim();
  if (!trimmed || /[/?#@\s]/.test(trimmed)) return undefined;
  try {
    const url = new URL(`http://${trimmed}`);
    // URL drops a port that is the scheme's default, so the port is read from the text itself.
    const port = /(?:^[^[\]]*|\]):(\d{1,5})$/.exec(trimmed)?.[1];
    return { hostname: unbracketed(url.hostname), ...(port !== undefined && { port: Number(port) }) };
  } catch {
    return undefined;
  }
}

function hostList(text: string, ctx: z.RefinementCtx): string[] {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!parseHostEntry(entry)) ctx.addIssue({ code: 'custom', message: `Not a host or host:port: ${entry}` });
  }
  return entries;
}

/** A comma list of `host[:port]` from the environment, each checked. */
export const HostList = z.string().transform(hostList);

/** `false` (no private address), `true` (any), or a comma list of `host[:port]`. */
export const PrivateHosts = z.string().transform((text, ctx): boolean | string[] => {
  const word = text.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(word)) return true;
  if (['false', '0', 'no', ''].includes(word)) return false;
  return hostList(text, ctx);
});

const portOf = (url: URL) => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
const matches = (entries: readonly HostEntry[], hostname: string, port: number) =>
  entries.some((e) => e.hostname === unbracketed(hostname) && (e.port === undefined || e.port === port));

/** How long a name may take to resolve when settings are saved. */
const RESOLVE_TIMEOUT_MS = 5_000;

/**
 * Which model endpoints a site may use, and which private addresses they may
 * reach. Checked twice: when settings are saved (an early, clear error) and on
 * every connection (guarded-fetch.ts), where DNS cannot be made to lie to it.
 */
export class EndpointRules {
  private readonly privateHosts: true | HostEntry[];
  private readonly listedHosts: HostEntry[];

  constructor(private readonly config: EndpointRulesConfig = DEFAULT_ENDPOINT_RULES) {
    const parse = (list: readonly string[]) =>
      list.map((text) => parseHostEntry(text) ?? failConfig(`Not a host or host:port: ${text}`));
    this.privateHosts = config.privateHosts === true ? true : parse(config.privateHosts || []);
    this.listedHosts = parse(config.listedHosts);
  }

  /** Whether a connection to this host and port may reach a private address. */
  mayReachPrivate(hostname: string, port: number): boolean {
    return this.privateHosts === true || matches(this.privateHosts, hostname, port);
  }

  /** Why a site may not use this endpoint at all (the operator's choice), or undefined when it may. */
  refusalOf(baseUrl: string): string | undefined {
    if (this.config.siteResponders === 'none') {
      return 'This server does not let sites choose a model endpoint: characters speak through the server’s own.';
    }
    if (this.config.siteResponders === 'listed') {
      const url = new URL(baseUrl);
      if (!matches(this.listedHosts, url.hostname, portOf(url))) {
        const listed = this.config.listedHosts.join(', ') || 'none';
        return `This server lets sites use only these model endpoints: ${listed}.`;
      }
    }
    return undefined;
  }

  /**
   * Checks settings a site is about to save: NOT_ALLOWED when the operator
   * does not let it choose this endpoint, INVALID_INPUT when the address is
   * private (written in any spelling, or a name that resolves to one).
   */
  async assertMayStore(settings: ResponderSettings | null | undefined): Promise<void> {
    if (settings?.kind !== 'openai') return; // simulated, none or the default reach nothing
    const refusal = this.refusalOf(settings.baseUrl);
    if (refusal) throw new TipsyError('NOT_ALLOWED', refusal);
    await this.assertNotPrivate(new URL(settings.baseUrl), 'model address');
  }

  /**
   * INVALID_INPUT when the URL's host is a private address, in any spelling, or a name that
   * resolves to one, unless the operator allows it. `what` names it in the message ("model address").
   */
  async assertNotPrivate(url: URL, what: string): Promise<void> {
    // WHATWG URL has already turned 0x7f000001, 2130706433 or 127.1 into 127.0.0.1.
    if (this.mayReachPrivate(url.hostname, portOf(url))) return;
    const addresses = isIpLiteral(url.hostname) ? [unbracketed(url.hostname)] : await resolve(url.hostname, what);
    const found = addresses.find(isPrivateAddress);
    if (found) {
      const how = found === unbracketed(url.hostname) ? 'is' : `resolves to ${found}, which is`;
      throw new TipsyError(
        'INVALID_INPUT',
        `The ${what} ${url.host} ${how} a private address (loopback, private network, link-local or the like); this server does not let sites reach those.`,
      );
    }
  }
}

async function resolve(hostname: string, what: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), RESOLVE_TIMEOUT_MS)));
  try {
    const found = await Promise.race([lookup(hostname, { all: true }), timedOut]);
    return found.map((a) => a.address);
  } catch {
    throw new TipsyError('INVALID_INPUT', `The ${what} ${hostname} could not be resolved.`);
  } finally {
    clearTimeout(timer);
  }
}

function failConfig(message: string): never {
  throw new Error(message);
}
