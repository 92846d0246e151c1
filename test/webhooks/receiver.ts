// A partner's webhook receiver for the tests: a node:http server on
// 127.0.0.1 (port 0) that records every POST (path, headers, raw bytes) and
// answers with the statuses the test sets, in turn per path. Its `guard`
// lets the SSRF guard take this one port of 127.0.0.1 as public, and
// nothing else, as test/hub/subscriber.ts does for the hub.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AddressGuard, isNonPublicAddress } from '../../src/ingest/fetch/ssrf.js';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export interface Receiver {
  origin: string;
  port: number;
  url(path: string): string;
  received: Received[];
  /** The statuses a path answers, in turn; the last one repeats (200 when none is set). */
  answers: Map<string, number[]>;
  /** A path answered by the test's own handler instead (a slow or huge receiver). */
  handlers: Map<string, (req: IncomingMessage, res: ServerResponse) => void>;
  at(path: string): Received[];
  guard: AddressGuard;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers = new Map<string, number[]>();
  const handlers = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
  const answered = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const handler = handlers.get(path);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      if (handler) return handler(req, res);
      const statuses = answers.get(path) ?? [200];
      const n = answered.get(path) ?? 0;
      answered.set(path, n + 1);
      res.writeHead(statuses[Math.min(n, statuses.length - 1)] ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    received,
    answers,
    handlers,
    at: (path) => received.filter((r) => r.path === path),
    guard: {
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
      allows: (address, p) => (address === '127.0.0.1' && (p === undefined || p === port)) || !isNonPublicAddress(address),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
