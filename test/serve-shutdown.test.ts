// Graceful shutdown of `wirefeed serve`, as a real process and a real TCP
// client. No test-only route is needed to hold a request open: the client
// itself is slow. It sends the first lines of a request's headers and keeps
// the blank line that ends them until after SIGTERM. From its first byte the
// server counts that request as in flight (Node no longer treats the connection as idle),
// so a graceful stop must wait for the rest, answer it in full and only then
// close. A new connection made after the signal must be refused.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('wirefeed serve stopping on SIGTERM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-shutdown-'));
  let child: ChildProcess | undefined;
  let socket: Socket | undefined;

  after(() => {
    socket?.destroy();
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a request in flight when SIGTERM arrives gets its full response; new connections are refused; exit 0', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'w.db') };
    delete env.WIREFEED_CONFIG; // the demo configuration
    delete env.WIREFEED_LOG_LEVEL;
    child = spawn(process.execPath, [main, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    await until(() => /"event":"listening"/.test(log), 'the server to listen');
    const port = Number(/"event":"listening","port":(\d+)/.exec(log)?.[1]);
    // Every demo source has been stored, so the feed asked for below has items.
    await until(() => (log.match(/"event":"source_refreshed"/g) ?? []).length === 4, 'the ingest at start');

    socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    const closed = once(socket, 'close');

    // A first, complete request: the server has accepted this connection and keeps it alive.
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => received.toString().endsWith('ok\n'), 'the /healthz answer');
    received = Buffer.alloc(0);

    // The second request begins; the server reads these lines and waits for the rest.
    socket.write('GET /feeds/all.json?limit=200 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n');
    await sleep(300);
    child.kill('SIGTERM');
    await until(() => /"event":"shutdown","signal":"SIGTERM"/.test(log), 'the shutdown to begin');

    const refused = connect(port, '127.0.0.1');
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ECONNREFUSED', 'no new connection once stopping');

    socket.write('\r\n'); // the request is complete: the server must still answer it
    await closed; // and then close the connection, now idle

    const text = received.toString('latin1');
    const split = text.indexOf('\r\n\r\n');
    const head = text.slice(0, split);
    const body = received.subarray(split + 4);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\ncontent-type: application\/feed\+json; charset=utf-8\r\n/i);
    assert.equal(Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]), body.length, 'the whole body arrived');
    const feed = JSON.parse(body.toString('utf8')) as { items: unknown[] };
    assert.ok(feed.items.length > 0, 'the feed of the ingested demo sources');

    assert.equal(await exited, 0);
    assert.match(log, /"event":"stopped","connections_cut":0/);
  });
});
