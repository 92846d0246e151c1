// One JSON log line per request, read back from the app's logger: route
// pattern, status, time and bytes, and never a partner's key or credentials.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import type { App } from '../../src/http/app.js';
import { createApp } from '../../src/http/app.js';
import { createPartner } from '../../src/store/partners.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { listSources } from '../../src/store/sources.js';
import { type TestContext, testContext } from '../helpers.js';

type Line = Record<string, unknown>;

describe('request log', () => {
  let ctx: TestContext;
  let app: App;
  let lines: Line[] = [];
  let raw = '';

  before(async () => {
    ctx = testContext();
    await runIngest(ctx, listSources(ctx.db));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw += chunk.toString();
        lines.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line));
        done();
      },
    });
    app = createApp({ ...ctx, log: createLog('info', sink) });
  });
  after(() => ctx.close());

  /** The request lines logged while `send` ran (the line is written once the response is done). */
  async function logged(send: () => Promise<unknown>): Promise<Line[]> {
    lines = [];
    await send();
    await new Promise((resolve) => setImmediate(resolve));
    return lines.filter((l) => l.event === 'request');
  }

  test('a feed request is one line: method, route pattern, URL, status, duration_ms and bytes sent', async () => {
    let length = 0;
    const [line, ...more] = await logged(async () => {
      const res = await request(app).get('/feeds/categories/climate.rss?limit=5').set('Accept-Encoding', 'gzip').expect(200);
      length = Number(res.headers['content-length']);
    });
    assert.equal(more.length, 0);
    assert.ok(line);
    const { duration_ms: duration, time, ...rest } = line;
    assert.deepEqual(rest, {
      level: 30,
      event: 'request',
      method: 'GET',
      route: '/feeds/categories/:slug.:format',
      url: '/feeds/categories/climate.rss?limit=5',
      status: 200,
      bytes: length,
      msg: 'request',
    });
    assert.ok(length > 0, 'the gzip body length');
    assert.equal(typeof duration, 'number');
    assert.ok((duration as number) >= 0 && (duration as number) < 10_000);
    assert.match(String(time), /^\d{4}-\d\d-\d\dT/);
  });

  test('credential query parameters are masked and the Authorization header never reaches the log', async () => {
    raw = '';
    // Real partner keys, so that the requests are answered (an unknown key is a 401).
    const { key } = createPartner(ctx.db, 'Log Partner', { fullText: false, categories: [] });
    const [line] = await logged(() => request(app).get(`/feeds/all.json?key=${key}&limit=3`).expect(200));
    assert.equal(line?.url, '/feeds/all.json?key=REDACTED&limit=3');
    const [only] = await logged(() => request(app).get(`/feeds/all.json?key=${key}`).expect(200));
    assert.equal(only?.url, '/feeds/all.json?key=REDACTED');
    const [header] = await logged(() => request(app).get('/feeds/all.json').set('Authorization', `Bearer ${key}`).expect(200));
    assert.equal(header?.url, '/feeds/all.json');
    const [refused] = await logged(() => request(app).get('/feeds/all.json?key=s3cret-unknown').expect(401));
    assert.equal(refused?.url, '/feeds/all.json?key=REDACTED');
    assert.doesNotMatch(raw, new RegExp(`${key.slice(3)}|s3cret|authorization`, 'i'));
  });

  test('HEAD and 304 answers log 0 bytes; a 404 outside any route logs the route as "unmatched"', async () => {
    const etag = (await request(app).get('/feeds/all.atom').expect(200)).headers.etag;
    const [head] = await logged(() => request(app).head('/feeds/all.atom').expect(200));
    assert.deepEqual([head?.status, head?.bytes], [200, 0]);
    const [notModified] = await logged(() => request(app).get('/feeds/all.atom').set('If-None-Match', String(etag)).expect(304));
    assert.deepEqual([notModified?.status, notModified?.bytes], [304, 0]);
    const [missing] = await logged(() => request(app).get('/nothing/here').expect(404));
    assert.deepEqual([missing?.route, missing?.url, missing?.status], ['unmatched', '/nothing/here', 404]);
  });

  test('a cached feed answered ahead of Express is logged in the very same line format', async () => {
    const masked = () => raw.replace(/"time":"[^"]+"/g, '"time":T').replace(/"duration_ms":[\d.e-]+/g, '"duration_ms":D');
    const url = '/feeds/categories/politics.atom?limit=4';
    const etag = (await request(app).get(url).expect(200)).headers.etag;
    // The first answer came from Express's route, which rendered the feed; these come from the cache's fast path.
    raw = '';
    await logged(() => request(app).get(url).expect(200));
    const fromCache = masked();
    raw = '';
    await logged(() => request(app).get(url).set('If-None-Match', String(etag)).expect(304));
    const notModified = masked();
    const expected = (status: number, bytes: number) =>
      `{"level":30,"time":T,"event":"request","method":"GET","route":"/feeds/categories/:slug.:format","url":"${url}","status":${status},"duration_ms":D,"bytes":${bytes},"msg":"request"}\n`;
    assert.equal(fromCache, expected(200, Number((await request(app).get(url)).headers['content-length'])));
    assert.equal(notModified, expected(304, 0));
  });

  test('probes (/healthz, /readyz, /metrics) are logged at debug, so that they stay out of an info log', async () => {
    const probes = await logged(async () => {
      await request(app).get('/healthz').expect(200);
      await request(app).get('/readyz').expect(200);
      await request(app).get('/metrics').expect(200);
    });
    assert.deepEqual(probes, []);
  });
});
