// Keeps sources that did not come from the operator's config file off the
// service's own network: a feed URL whose host is, or resolves to, anything
// but a public unicast address is refused, so that an API caller or an
// imported list cannot make the fetcher read internal services (cloud
// metadata at 169.254.169.254, an admin port on localhost). Every address a
// name resolves to is checked, not just the first one: when the source is
// added, and again by the fetcher on every hop, at DNS time and on the
// address the socket actually connected to (ssrf-connect.ts).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Source } from '../../model.js';

// One list per family: node's BlockList also matches an IPv4 address against
// IPv6 rules through its IPv4-mapped form (a rule for ::ffff:0:0/96 would
// refuse every IPv4 address), so each family is checked against its own rules.
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();

// IPv4: the IANA special-purpose registry (RFC 6890), the blocks not globally reachable.
blockedV4.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", unspecified (RFC 791, RFC 1122 3.2.1.3)
blockedV4.addSubnet('10.0.0.0', 8, 'ipv4'); // private (RFC 1918)
blockedV4.addSubnet('100.64.0.0', 10, 'ipv4'); // shared address space, carrier NAT (RFC 6598)
blockedV4.addSubnet('127.0.0.0', 8, 'ipv4'); // loopback (RFC 1122 3.2.1.3)
blockedV4.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, cloud metadata (RFC 3927)
blockedV4.addSubnet('172.16.0.0', 12, 'ipv4'); // private (RFC 1918)
blockedV4.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments (RFC 6890 2.2.2)
blockedV4.addSubnet('192.0.2.0', 24, 'ipv4'); // documentation, TEST-NET-1 (RFC 5737)
blockedV4.addSubnet('192.88.99.0', 24, 'ipv4'); // 6to4 relay anycast (RFC 3068, deprecated by RFC 7526)
blockedV4.addSubnet('192.168.0.0', 16, 'ipv4'); // private (RFC 1918)
blockedV4.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking (RFC 2544)
blockedV4.addSubnet('198.51.100.0', 24, 'ipv4'); // documentation, TEST-NET-2 (RFC 5737)
blockedV4.addSubnet('203.0.113.0', 24, 'ipv4'); // documentation, TEST-NET-3 (RFC 5737)
blockedV4.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast (RFC 5771)
blockedV4.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved (RFC 1112 4), and limited broadcast 255.255.255.255 (RFC 919)

// IPv6. Every block that embeds an IPv4 address (mapped, compatible,
// translated, NAT64, 6to4, Teredo) is refused whole rather than decoded: it
// could reach any IPv4 address, private ones included, and no feed needs it.
blockedV6.addSubnet('::', 96, 'ipv6'); // unspecified ::, loopback ::1, IPv4-compatible ::a.b.c.d (RFC 4291 2.5.2, 2.5.3, 2.5.5.1)
blockedV6.addSubnet('::ffff:0:0', 96, 'ipv6'); // IPv4-mapped (RFC 4291 2.5.5.2)
blockedV6.addSubnet('::ffff:0:0:0', 96, 'ipv6'); // IPv4-translated (RFC 2765 2.1)
blockedV6.addSubnet('64:ff9b::', 96, 'ipv6'); // NAT64 well-known prefix (RFC 6052)
blockedV6.addSubnet('64:ff9b:1::', 48, 'ipv6'); // NAT64 local use (RFC 8215)
blockedV6.addSubnet('100::', 64, 'ipv6'); // discard-only (RFC 6666)
blockedV6.addSubnet('2001::', 23, 'ipv6'); // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID (RFC 2928, 4380, 5180, 7343)
blockedV6.addSubnet('2001:db8::', 32, 'ipv6'); // documentation (RFC 3849)
blockedV6.addSubnet('2002::', 16, 'ipv6'); // 6to4 (RFC 3056)
blockedV6.addSubnet('3fff::', 20, 'ipv6'); // documentation (RFC 9637)
blockedV6.addSubnet('fc00::', 7, 'ipv6'); // unique local (RFC 4193)
blockedV6.addSubnet('fe80::', 10, 'ipv6'); // link-local (RFC 4291 2.5.6)
blockedV6.addSubnet('fec0::', 10, 'ipv6'); // site-local, deprecated (RFC 3879)
blockedV6.addSubnet('ff00::', 8, 'ipv6'); // multicast (RFC 4291 2.7)
// Global unicast is allocated from 2000::/3 only (RFC 4291 2.4, the IANA
// IPv6 address space registry): whatever lies outside it is not public,
// whether or not a block above names it.
blockedV6.addSubnet('::', 3, 'ipv6');
blockedV6.addSubnet('4000::', 2, 'ipv6');
blockedV6.addSubnet('8000::', 1, 'ipv6');

/** Every address a host name resolves to, in the resolver's order. */
export type LookupAll = (hostname: string, options?: { hints?: number }) => Promise<{ address: string; family: number }[]>;

/** Whether the fetcher may reach an address; `port` is known for an IP literal and once connected, not when a name resolves. */
export type AddressCheck = (address: string, port?: number) => boolean;

/** How the guard resolves names and judges addresses. */
export interface AddressGuard {
  lookup: LookupAll;
  allows: AddressCheck;
}

const systemLookup: LookupAll = (hostname, options) => dnsLookup(hostname, { ...options, all: true, verbatim: true });

/** Public unicast addresses only, names resolved by the system: the guard every non-config source gets. */
export const publicAddressesOnly: AddressGuard = Object.freeze({ lookup: systemLookup, allows: (address: string) => !isNonPublicAddress(address) });

/** A URL refused by the check; the message says why, for the API's 400. */
export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError';
}

/** True when the IP address (v4 or v6, no brackets) is not a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  // A zone (fe80::1%eth0) only ever scopes a link- or site-local address.
  if (address.includes('%')) return true;
  const family = isIP(address);
  if (family === 4) return blockedV4.check(address, 'ipv4');
  if (family === 6) return blockedV6.check(address, 'ipv6');
  return true; // not an address at all: nothing we would connect to
}

/**
 * Whether a source is fetched behind the guard: every source the operator
 * did not write into the config file (added or changed through the admin
 * API, imported from OPML, or any origin added later), unless the config
 * says `admin.allow_private_sources`. Decided here only, so that a new
 * origin is guarded by default.
 */
export function needsAddressGuard(source: Pick<Source, 'origin'>, cfg: { admin: { allowPrivateSources: boolean } }): boolean {
  return source.origin !== 'config' && !cfg.admin.allowPrivateSources;
}

/** The URL parsed, or UnsafeUrlError unless it is http(s): the only schemes a source from outside the config file may have. */
export function assertHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UnsafeUrlError('must be an http(s) URL');
  return parsed;
}

/**
 * Resolves the URL's host (an IP literal is taken as it is) and throws
 * UnsafeUrlError unless it is http(s) and every address is allowed.
 * `lookup` and `allows` are replaceable for tests; by default names go to
 * dns.lookup and only public unicast addresses are allowed.
 */
export async function assertPublicUrl(url: string, lookup: LookupAll = systemLookup, allows: AddressCheck = publicAddressesOnly.allows): Promise<void> {
  const parsed = assertHttpUrl(url);
  // WHATWG URL parsing has already turned 0x7f.1, 2130706433 and the like into
  // dotted quads, lower-cased the name and dropped any userinfo from hostname.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  // RFC 6761 6.3: localhost and every name under it are loopback, whatever DNS says.
  if (/(^|\.)localhost\.?$/.test(host)) throw new UnsafeUrlError(`host "${host}" is a loopback name`);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await lookup(host)).map((a) => a.address);
    } catch (err) {
      throw new UnsafeUrlError(`cannot resolve host "${host}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (addresses.length === 0) throw new UnsafeUrlError(`cannot resolve host "${host}"`);
  }
  const refused = addresses.find((a) => !allows(a, port));
  if (refused !== undefined) {
    throw new UnsafeUrlError(
      `host "${host}" ${refused === host ? 'is' : `resolves to ${refused}, which is`} a loopback, private, link-local or otherwise non-public address`,
    );
  }
}
