// The subscribers of the hub benchmark, run as a child process:
//   subscriber-server.js
// One node:http server on 127.0.0.1 standing for any number of WebSub
// subscribers, one callback each (/cb/N): it echoes every verification's
// hub.challenge (WebSub 5.3), and checks and counts every delivery (7): its
// X-Hub-Signature against the secret of that callback (secretOf), and when
// the first and the last arrived. Asked "stats" over IPC it answers the
// counts; "reset" zeroes them. Times are epoch milliseconds, comparable
// with the parent's Date.now().
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface SubscriberStats {
  verified: number;
  delivered: number;
  /** Deliveries whose signature did not match, or had none. */
  badSignatures: number;
  /** Callbacks that got more than one delivery since the reset. */
  repeated: number;
  bytes: number;
  firstAt?: number;
  lastAt?: number;
}

/** The secret subscriber N gave: the benchmark's parent subscribes with it. */
export function secretOf(n: number): string {
  return `bench-subscriber-secret-${n}`;
}

const fresh = (): SubscriberStats => ({ verified: 0, delivered: 0, badSignatures: 0, repeated: 0, bytes: 0 });

// Run as the child; importing this module for secretOf starts nothing.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let stats = fresh();
  let seen = new Set<string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://subscriber.bench');
    if (req.method === 'GET') {
      stats.verified++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(url.searchParams.get('hub.challenge') ?? '');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const n = Number(url.pathname.split('/').pop());
      const expected = `sha256=${createHmac('sha256', secretOf(n)).update(body).digest('hex')}`;
      if (req.headers['x-hub-signature'] !== expected) stats.badSignatures++;
      if (seen.has(url.pathname)) stats.repeated++;
      seen.add(url.pathname);
      stats.delivered++;
      stats.bytes += body.length;
      stats.firstAt ??= Date.now();
      stats.lastAt = Date.now();
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', (message) => {
    if (message === 'stats') process.send?.({ stats });
    else if (message === 'reset') {
      stats = { ...fresh(), verified: stats.verified };
      seen = new Set();
      process.send?.({ reset: true });
    } else if (message === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}
