// The real app over the demo database, listening on 127.0.0.1, with the
// admin API on: what the abuse tests throw requests at. Requests go over a
// socket (not supertest's server per request) so that the fast path for
// cached feeds, which answers ahead of Express, sees repeated URLs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { listSources } from '../../src/store/sources.js';
import { type TestContext, testContext } from '../helpers.js';

export const adminToken = 'abuse-test-admin-token-0123456789';

export interface AbuseServer {
  ctx: TestContext;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  server: Server;
  /** Every log line written at warn and above, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function abuseServer(): Promise<AbuseServer> {
  const ctx = testContext(undefined, { WIREFEED_BASE_URL: 'http://feeds.test', WIREFEED_ADMIN_TOKEN: adminToken });
  await runIngest(ctx, listSources(ctx.db));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  const server = createServer(createApp({ ...ctx, log: createLog('warn', sink) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ctx,
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          ctx.close();
          resolve();
        });
      }),
  };
}
