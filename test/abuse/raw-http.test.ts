// Requests no well-behaved client sends, written straight onto a socket:
// request smuggling (Content-Length with Transfer-Encoding, two lengths),
// control characters in headers, oversized headers, garbage request lines,
// an absolute-form target naming another host, and a bad request pipelined
// behind a good one. Each gets a 4xx (or is closed), never a 5xx or a hang,
// and the server goes on answering.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/http/app.js';
import { createHttpServer } from '../../src/http/server.js';
import { testContext, type TestContext } from '../helpers.js';

/** Writes `raw`, collects what comes back until the server closes or `ms` pass. */
function exchange(port: number, raw: string, ms = 2000): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, ms);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
  });
}

const statuses = (text: string) => [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((m) => Number(m[1]));

describe('raw HTTP abuse', () => {
  let ctx: TestContext;
  let server: Server;
  let port = 0;

  before(async () => {
    ctx = testContext();
    server = createHttpServer(createApp(ctx), { ...ctx.cfg.server, idleTimeoutMs: 1500, headersTimeoutMs: 1500 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    ctx.close();
  });

  const cases: [string, string][] = [
    ['Content-Length with Transfer-Encoding', 'POST /admin/ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/sources HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['two different Content-Lengths', 'POST /feeds/all.rss HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 7\r\n\r\nabcdefg'],
    ['a NUL in a header value', 'GET /feeds/all.rss HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n'],
    ['a bare CR in a header value', 'GET /feeds/all.rss HTTP/1.1\r\nHost: x\r\nX-Bad: a\rb\r\n\r\n'],
    ['a header line folded (obs-fold)', 'GET /feeds/all.rss HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n'],
    ['headers over 64 KB', `GET /feeds/all.rss HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`],
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['a space in the target', 'GET /feeds/all rss HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an unknown HTTP version', 'GET /feeds/all.rss HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['a chunk size that is not hex', 'POST /admin/ingest HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n'],
    ['an absolute-form target on another host', 'GET http://attacker.example/feeds/all.rss HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an absolute-form target with a bad port', 'GET http://attacker.example:99999/feeds/all.rss HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an asterisk-form target on GET', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a CONNECT tunnel request', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'],
    ['a bad request pipelined behind a good one', 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /feeds/tags/%ff.rss HTTP/1.1\r\nHost: x\r\n\r\n'],
  ];

  for (const [name, raw] of cases) {
    test(`${name}: no 5xx, no hang, and the server still answers`, async () => {
      const answer = await exchange(port, raw);
      for (const status of statuses(answer)) assert.ok(status < 500, `${name}: ${status}\n${answer.slice(0, 300)}`);
      assert.doesNotMatch(answer, /attacker\.example/);
      const next = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.deepEqual(statuses(next), [200]);
    });
  }
});
