import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Whether an IP address is anything but a global unicast one: loopback,
 * private (RFC 1918), link-local (cloud metadata lives there), unique-local,
 * CGNAT, unspecified, multicast, broadcast, reserved and documentation
 * ranges, and IPv6 forms that carry an IPv4 address (mapped, translated,
 * NAT64, 6to4, Teredo). Ranges come from ipaddr.js, not from a list kept here.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = unbracketed(address);
  if (!ipaddr.isValid(bare)) return true; // not an address at all: never treat it as public
  // process() turns an IPv4-mapped IPv6 address into the IPv4 one it carries.
  const parsed = ipaddr.process(bare);
  if (parsed.range() !== 'unicast') return true;
  // ipaddr.js calls every IPv6 address it has no name for `unicast`, the deprecated IPv4-compatible
  // ::/96 (`[::127.0.0.1]`) among them: only the global unicast block 2000::/3 is public.
  return parsed.kind() === 'ipv6' && !parsed.match(GLOBAL_UNICAST_V6);
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Whether a host, as a URL spells it, is an IP address rather than a name. */
export const isIpLiteral = (hostname: string): boolean => isIP(unbracketed(hostname)) !== 0;

/** An IPv6 host as URLs write it (`[::1]`) to the address itself (`::1`). */
export const unbracketed = (hostname: string): string =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
