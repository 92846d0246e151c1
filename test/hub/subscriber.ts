// A WebSub subscriber written for the tests (W3C WebSub 5.3 and 7, the
// subscriber's side): a node:http server on 127.0.0.1 that answers the
// hub's verification GETs (echoing hub.challenge, or not, as the test
// says) and records every delivery POST with its headers and bytes. Its
// `guard` lets the hub's SSRF guard take this one port of 127.0.0.1 as
// public, and nothing else, as test/abuse/ssrf.test.ts does for a fixture.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AddressGuard, isNonPublicAddress } from '../../src/ingest/fetch/ssrf.js';

export interface Verification {
  path: string;
  query: URLSearchParams;
  at: number;
}

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

/** How the subscriber answers; change it while the test runs. */
export interface Behaviour {
  /** echo: the challenge (confirms); wrong: a 200 with other text; or a status with no body (404: "I did not ask for this"). */
  verify: 'echo' | 'wrong' | number;
  /** The status of each delivery's answer, in turn; the last one repeats. */
  deliver: number[];
}

export interface TestSubscriber {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  callback(path?: string): string;
  verifications: Verification[];
  deliveries: Delivery[];
  behaviour: Behaviour;
  guard: AddressGuard;
  close(): Promise<void>;
}

export async function startSubscriber(behaviour: Partial<Behaviour> = {}): Promise<TestSubscriber> {
  const verifications: Verification[] = [];
  const deliveries: Delivery[] = [];
  const state: Behaviour = { verify: 'echo', deliver: [204], ...behaviour };
  let answered = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://subscriber.test');
    if (req.method === 'GET') {
      verifications.push({ path: url.pathname, query: url.searchParams, at: Date.now() });
      const challenge = url.searchParams.get('hub.challenge') ?? '';
      if (state.verify === 'echo') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge);
      if (state.verify === 'wrong') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`${challenge}-not`);
      return void res.writeHead(state.verify).end();
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries.push({ path: url.pathname, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
      const status = state.deliver[Math.min(answered, state.deliver.length - 1)] ?? 204;
      answered++;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    callback: (path = '/callback') => `${origin}${path}`,
    verifications,
    deliveries,
    get behaviour() {
      return state;
    },
    set behaviour(next: Behaviour) {
      Object.assign(state, next);
      answered = 0;
    },
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
