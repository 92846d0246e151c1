// The fetcher's half of the SSRF guard (ssrf.ts): an undici connector that
// refuses a non-public address three times over. A name is refused at DNS
// time when any address it resolves to is not allowed; an IP literal, which
// never goes through DNS, is refused before connecting; and whatever the
// socket actually connected to is checked again before a single byte of the
// request is written, so no lookup trick, pooled connection or literal
// spelling gets a request onto the service's own network.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { AddressGuard } from './ssrf.js';

/** Refused by the guard; toFetchError maps its code to the kind 'forbidden'. */
export class NonPublicAddressError extends Error {
  override name = 'NonPublicAddressError';
  readonly code = 'EADDRNOTPUBLIC';
}

/**
 * A dns.lookup for net.connect that resolves every address of the name and
 * refuses them all when one is not allowed: the socket would otherwise try
 * the next address when the first fails (happy eyeballs, RFC 8305).
 */
export function guardedLookup(guard: AddressGuard): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const answer = (found: LookupAddress[]): void => {
      const refused = found.find((a) => !guard.allows(a.address));
      if (refused) return callback(new NonPublicAddressError(`${hostname} resolves to a non-public address (${refused.address})`), '');
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const usable = family ? found.filter((a) => a.family === family) : found;
      const [first] = usable;
      if (!first) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '');
      if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    };
    // Answered outside the promise, so that an exception in net's callback is not taken for a lookup failure.
    guard.lookup(hostname, { hints: options.hints }).then(
      (found) => process.nextTick(answer, found),
      (err: Error) => process.nextTick(callback, err, ''),
    );
  };
}

/** An undici connector (Agent `connect`) that only ever hands over sockets to addresses the guard allows. */
export function guardedConnector(guard: AddressGuard, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs, lookup: guardedLookup(guard) });
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    const literal = options.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) && !guard.allows(literal, port)) {
      return callback(new NonPublicAddressError(`${literal} is a non-public address`), null);
    }
    const socket = connect(options, (err, connected) => {
      if (err) return callback(err, null);
      // Before undici writes the request: the address this socket really reached.
      const refusal = refusalOf(guard, connected);
      if (refusal) {
        connected.destroy();
        return callback(refusal, null);
      }
      callback(null, connected);
    }) as unknown as Socket | undefined;
    // For TLS the callback waits for the handshake: refuse at the TCP connect
    // already. buildConnector returns the socket, though its type says void.
    if (options.protocol === 'https:') {
      socket?.once('connect', () => {
        const refusal = refusalOf(guard, socket);
        if (refusal) socket.destroy(refusal);
      });
    }
  };
}

function refusalOf(guard: AddressGuard, socket: Socket): NonPublicAddressError | undefined {
  const { remoteAddress, remotePort } = socket;
  if (remoteAddress && guard.allows(remoteAddress, remotePort)) return undefined;
  return new NonPublicAddressError(`connected to ${remoteAddress ?? 'an unknown address'}, a non-public address`);
}
