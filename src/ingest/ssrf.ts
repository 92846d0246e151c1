// Keeps sources added through the admin API off the service's own network:
// a feed URL whose host is, or resolves to, a loopback, private, link-local,
// unspecified, multicast or otherwise non-public address is refused, so that
// an API caller cannot make the fetcher read internal services (cloud
// metadata at 169.254.169.254, an admin port on localhost). Every address a
// name resolves to is checked, not just the first one: when the source is
// added, and again by the fetcher at connect time (publicOnlyLookup).
import { lookup as dnsLookupCallback, type LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Ranges no source added through the API may point at. */
const blocked = new BlockList();
// IPv4. node:net's BlockList also matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against these.
blocked.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network", unspecified
blocked.addSubnet('10.0.0.0', 8, 'ipv4'); // RFC 1918
blocked.addSubnet('100.64.0.0', 10, 'ipv4'); // shared address space (carrier NAT), RFC 6598
blocked.addSubnet('127.0.0.0', 8, 'ipv4'); // loopback
blocked.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, cloud metadata
blocked.addSubnet('172.16.0.0', 12, 'ipv4'); // RFC 1918
blocked.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments
blocked.addSubnet('192.168.0.0', 16, 'ipv4'); // RFC 1918
blocked.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
blocked.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
blocked.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, and broadcast 255.255.255.255
// IPv6.
blocked.addAddress('::', 'ipv6'); // unspecified
blocked.addAddress('::1', 'ipv6'); // loopback
blocked.addSubnet('64:ff9b::', 96, 'ipv6'); // NAT64: would reach any IPv4 address, private ones included
blocked.addSubnet('2002::', 16, 'ipv6'); // 6to4: likewise embeds an IPv4 address
blocked.addSubnet('fc00::', 7, 'ipv6'); // unique local
blocked.addSubnet('fe80::', 10, 'ipv6'); // link-local
blocked.addSubnet('fec0::', 10, 'ipv6'); // site-local (deprecated)
blocked.addSubnet('ff00::', 8, 'ipv6'); // multicast

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A URL refused by the check; the message says why, for the API's 400. */
export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError';
}

/** True when the IP address (v4 or v6, no brackets) is not a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: nothing we would connect to
  return blocked.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Resolves the URL's host (an IP literal is taken as it is) and throws
 * UnsafeUrlError unless it is http(s) and every address is public.
 * `lookup` is replaceable for tests; it defaults to dns.lookup with `all`.
 */
export async function assertPublicUrl(url: string, lookup: LookupAll = systemLookup): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UnsafeUrlError('must be an http(s) URL');
  // WHATWG URL parsing has already turned 0x7f.1, 2130706433 and the like into dotted quads.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
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
  const refused = addresses.find(isNonPublicAddress);
  if (refused !== undefined) {
    throw new UnsafeUrlError(
      `host "${host}" ${refused === host ? 'is' : `resolves to ${refused}, which is`} a loopback, private, link-local or otherwise non-public address`,
    );
  }
}

/**
 * dns.lookup that refuses non-public addresses: the check happens on the
 * very addresses the socket connects to, so a name that resolves to a
 * public address when checked and a private one when used (DNS rebinding)
 * is refused too.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: (...args: unknown[]) => void): void {
  dnsLookupCallback(hostname, options, (err, address, family) => {
    if (err) return callback(err);
    const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
    const refused = addresses.find((a) => isNonPublicAddress(a));
    if (refused) return callback(Object.assign(new Error(`${hostname} resolves to a non-public address (${refused})`), { code: 'EADDRNOTPUBLIC' }));
    callback(null, address, family);
  });
}
