// The bounds on connections (http/server.ts), with raw TCP clients that
// misbehave on purpose against the real app, on port 0, with timeouts of a
// fraction of a second. Every wait has a deadline of its own, so a server
// that fails to cut a connection fails the test rather than hanging it.
import assert from 'node:assert/strict';
import type { RequestListener, Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test, type TestContext as NodeTestContext } from 'node:test';
import type { Config } from '../../src/config/config.js';
import { createApp } from '../../src/http/app.js';
import { createHttpServer } from '../../src/http/server.js';
import { testContext, type TestContext } from '../helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const loose: Config['server'] = {
  idleTimeoutMs: 5_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  requestTimeoutMs: 5_000,
  maxConnections: 100,
  shutdownGraceMs: 1_000,
  writerHeartbeatMs: 2_000,
  writerTimeoutMs: 10_000,
  readers: 1,
};

async function listen(t: NodeTestContext, app: RequestListener, limits: Partial<Config['server']>): Promise<{ server: Server; port: number }> {
  const server = createHttpServer(app, { ...loose, ...limits });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port };
}

interface Client {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Milliseconds from connect to the server closing the connection; rejects after `ms`. */
  closedWithin(ms: number): Promise<number>;
}

async function client(port: number): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined); // a dropped connection may be reset; 'close' follows
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return {
    socket,
    received: () => data,
    closedWithin: (ms) =>
      Promise.race([
        closed,
        sleep(ms).then(() => {
          socket.destroy();
          throw new Error(`the server kept the connection open for ${ms} ms`);
        }),
      ]),
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const healthz = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n';
const answers = (c: Client) => c.received().match(/HTTP\/1\.1 200 OK/g)?.length ?? 0;

describe('the HTTP server bounds every connection', () => {
  let ctx: TestContext;
  let app: RequestListener;
  before(() => {
    ctx = testContext();
    app = createApp(ctx);
  });
  after(() => ctx.close());

  test('a connection that never sends a byte is closed after the idle timeout, without an answer', async (t) => {
    const { port } = await listen(t, app, { idleTimeoutMs: 300 });
    const silent = await client(port);
    const elapsed = await silent.closedWithin(2_000);
    assert.ok(elapsed >= 250, `closed after ${elapsed} ms, not before the idle timeout`);
    assert.equal(silent.received(), '');
  });

  test('headers trickled one byte at a time are cut at the header timeout with a 408, however often a byte comes', async (t) => {
    const { port } = await listen(t, app, { idleTimeoutMs: 300, headersTimeoutMs: 600 });
    const slow = await client(port);
    slow.socket.write('GET /healthz HTTP/1.1\r\n');
    let sent = 0;
    const trickle = setInterval(() => {
      if (slow.socket.writable) slow.socket.write('X', () => sent++);
    }, 50);
    try {
      const elapsed = await slow.closedWithin(2_500);
      assert.ok(elapsed >= 550, `cut after ${elapsed} ms, not before the header timeout`);
      assert.ok(sent >= 8, `the client kept sending (${sent} bytes), so the idle timeout never fired`);
      assert.match(slow.received(), /^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      clearInterval(trickle);
    }
  });

  test('a keep-alive connection waiting for its next request is closed after the keep-alive timeout (plus Node\'s second)', async (t) => {
    const { port } = await listen(t, app, { keepAliveTimeoutMs: 200 });
    const c = await client(port);
    c.socket.write(healthz);
    await until(() => c.received().endsWith('ok\n'), 'the /healthz answer');
    const elapsed = await c.closedWithin(3_000);
    // Node closes one second after the timeout it advertises (Keep-Alive: timeout=N), so that a client never reuses a closing connection.
    assert.ok(elapsed >= 1_150, `closed after ${elapsed} ms`);
    assert.match(c.received(), /\r\nconnection: keep-alive\r\n/i);
  });

  test('a request whose answer takes longer than the idle timeout is answered, on a first and a kept-alive request', async (t) => {
    const slowApp: RequestListener = (_req, res) => void setTimeout(() => res.end('done\n'), 600);
    const { port } = await listen(t, slowApp, { idleTimeoutMs: 200, keepAliveTimeoutMs: 100 });
    const c = await client(port);
    c.socket.write(healthz);
    await until(() => c.received().endsWith('done\n'), 'the first answer');
    c.socket.write(healthz);
    await until(() => (c.received().match(/done\n/g) ?? []).length === 2, 'the second answer');
    c.socket.destroy();
  });

  test('a client that stops reading its answer is cut after the idle timeout', async (t) => {
    const big = Buffer.alloc(64 * 1024 * 1024, 'x'); // more than the sockets' buffers hold
    const { server, port } = await listen(t, (_req, res) => res.end(big), { idleTimeoutMs: 300 });
    const c = await client(port);
    c.socket.once('data', () => c.socket.pause());
    c.socket.write(healthz);
    const connections = () => new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n)));
    await until(async () => (await connections()) === 0, 'the server to close the stalled connection', 2_500);
    c.socket.destroy();
  });

  test('past max_connections a new connection is closed at once; those open go on working; once one closes, new ones are accepted', async (t) => {
    const { server, port } = await listen(t, app, { maxConnections: 3 });
    let dropped = 0;
    server.on('drop', () => dropped++);
    const open = [await client(port), await client(port), await client(port)];
    for (const c of open) c.socket.write(healthz);
    await until(() => open.every((c) => answers(c) === 1), 'the three first answers');

    const fourth = await client(port);
    fourth.socket.write(healthz);
    assert.ok((await fourth.closedWithin(1_000)) < 500, 'closed as it arrived');
    assert.equal(fourth.received(), '', 'no answer: the connection was never read');
    assert.equal(dropped, 1);

    open[0]!.socket.write(healthz);
    await until(() => answers(open[0]!) === 2, 'an open connection to keep working');

    open[1]!.socket.destroy();
    const count = () => new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n)));
    await until(async () => (await count()) === 2, 'the server to see the connection closed');
    const later = await client(port);
    later.socket.write(healthz);
    await until(() => answers(later) === 1, 'a new connection to be answered');
    for (const c of [...open, later]) c.socket.destroy();
  });
});
