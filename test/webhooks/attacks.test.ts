// Partner webhooks under attack and across writers: a URL that has come to
// point at a private address is refused at connect and nothing reaches it;
// a redirect is not followed; a receiver that never answers is cut at
// webhooks.timeout_seconds, retried and given up; one that answers with an
// endless body is read no further than a small cap. And events come from
// every writer, not only the admin API: an ingest that sees an upstream
// correction, another connection (a CLI in another process), and a queue
// left by a stopped worker is sent by the next one.
import assert from 'node:assert/strict';
import { after, afterEach, describe, test } from 'node:test';
import request from 'supertest';
import { openContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { withdrawArticle } from '../../src/ingest/publish-article.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { recentAttempts } from '../../src/store/webhooks/deliveries.js';
import { setWebhook } from '../../src/store/webhooks/endpoints.js';
import { startWebhookWorker, type WebhookWorker } from '../../src/webhooks/worker.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext, until } from '../helpers.js';
import { type Receiver, startReceiver } from './receiver.js';

const token = 'webhook-attack-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const fast = 'webhooks:\n  retry_seconds: 0.1\n  max_retry_seconds: 0.1\n  max_attempts: 2\n  timeout_seconds: 0.5\n';

interface Setup {
  ctx: TestContext;
  receiver: Receiver;
  worker: WebhookWorker;
  partnerId: number;
}

async function setUp(path: string, guarded = true, sources = '  []'): Promise<Setup> {
  const receiver = await startReceiver();
  const ctx = testContext(configWithSources(sources, `admin:\n  token: ${token}\n${fast}`));
  if (guarded) ctx.addressGuard = receiver.guard;
  const partnerId = createPartner(ctx.db, 'Coast Weekly', { fullText: false, categories: [] }).partner.id;
  // Stored as it is, as if its name had resolved to a public address when it was set.
  setWebhook(ctx.db, partnerId, receiver.url(path));
  return { ctx, receiver, partnerId, worker: startWebhookWorker(ctx, { pollMs: 20 }) };
}

async function publishAndKill(s: Setup, slug: string): Promise<number> {
  const app = createApp(s.ctx);
  const res = await request(app).post('/admin/articles').set(auth).send({ title: `Story ${slug}`, url: `https://desk.example/${slug}` }).expect(201);
  const id = Number(String(res.body.id).split('/').pop());
  await request(app).delete(`/admin/articles/${id}`).set(auth).expect(204);
  return id;
}

describe('webhook deliveries under attack', () => {
  let s: Setup | undefined;
  afterEach(async () => {
    await s?.worker.stop();
    await s?.receiver.close();
    s?.ctx.close();
    s = undefined;
  });

  test('a URL on a loopback address by the time it is called is refused at connect: nothing reaches it, the refusal is recorded', async () => {
    s = await setUp('/hook', false);
    await publishAndKill(s, 'a');
    await until(() => recentAttempts(s!.ctx.db, s!.partnerId, 5).length === 2, 'both attempts');
    const attempts = recentAttempts(s.ctx.db, s.partnerId, 5);
    assert.ok(attempts.every((a) => a.status === undefined && /non-public|loopback/.test(a.error ?? '')), JSON.stringify(attempts));
    assert.equal(attempts[0]?.state, 'abandoned');
    assert.equal(s.receiver.received.length, 0);
  });

  test('a redirect is a failure and is not followed', async () => {
    s = await setUp('/moved');
    s.receiver.handlers.set('/moved', (_req, res) => res.writeHead(302, { location: s!.receiver.url('/elsewhere') }).end());
    await publishAndKill(s, 'b');
    await until(() => recentAttempts(s!.ctx.db, s!.partnerId, 5).length === 2, 'both attempts');
    assert.deepEqual(recentAttempts(s.ctx.db, s.partnerId, 5).map((a) => [a.status, a.error]), [
      [302, 'HTTP 302'],
      [302, 'HTTP 302'],
    ]);
    assert.equal(s.receiver.at('/elsewhere').length, 0);
  });

  test('a receiver that never answers is cut at timeout_seconds, retried, then given up', async () => {
    s = await setUp('/slow');
    s.receiver.handlers.set('/slow', () => {
      // Reads the request and never answers.
    });
    await publishAndKill(s, 'c');
    await until(() => recentAttempts(s!.ctx.db, s!.partnerId, 5).length === 2, 'both attempts', 5000);
    const attempts = recentAttempts(s.ctx.db, s.partnerId, 5);
    for (const a of attempts) {
      assert.match(a.error ?? '', /within 500 ms|timed out|timeout/i);
      assert.ok(a.durationMs >= 450 && a.durationMs < 2000, `cut after ${a.durationMs} ms`);
    }
    assert.equal(attempts[0]?.state, 'abandoned');
  });

  test('a receiver that answers 200 with an endless body is delivered without reading it all', async () => {
    s = await setUp('/huge');
    let written = 0;
    s.receiver.handlers.set('/huge', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (!res.destroyed && written < 1024 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    await publishAndKill(s, 'd');
    await until(() => recentAttempts(s!.ctx.db, s!.partnerId, 5).length === 1, 'the attempt');
    const [attempt] = recentAttempts(s.ctx.db, s.partnerId, 5);
    assert.equal(attempt?.state, 'delivered');
    assert.ok(attempt!.durationMs < 2000, `${attempt!.durationMs} ms`);
    assert.ok(written < 64 * 1024 * 1024, `${written} bytes written before we let go`);
  });
});

describe('events from every writer', () => {
  let s: Setup | undefined;
  let upstream: FixtureServer | undefined;
  after(async () => {
    await s?.worker.stop();
    await s?.receiver.close();
    await upstream?.close();
    s?.ctx.close();
  });

  const feed = (title: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>
<item><guid>wire-1</guid><title>${title}</title><link>https://wire.example/1</link><description>Ferry timetable.</description><pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate></item>
</channel></rss>`;

  test('an ingest that finds an upstream correction sends article.corrected', async () => {
    upstream = await serveFixtures({ '/wire.rss': { body: feed('Ferry runs late') } });
    s = await setUp('/hook', true, `  - slug: wire\n    name: Wire\n    url: ${upstream.url}/wire.rss\n`);
    await runIngest(s.ctx, listSources(s.ctx.db));
    upstream.routes.set('/wire.rss', { body: feed('Ferry runs an hour late') });
    await runIngest(s.ctx, listSources(s.ctx.db));
    await until(() => s!.receiver.received.length === 1, 'the correction');
    const payload = JSON.parse(s.receiver.received[0]!.body.toString()) as { type: string; article: { title: string; previous_title: string; changed: string[] } };
    assert.equal(payload.type, 'article.corrected');
    assert.equal(payload.article.title, 'Ferry runs an hour late');
    assert.equal(payload.article.previous_title, 'Ferry runs late');
    assert.deepEqual(payload.article.changed, ['title']);
  });

  test('a kill made on another connection while no worker runs is sent by the next worker', async () => {
    // The receiver has the correction once the request arrives, but the worker records it only once the
    // answer is back; stopping in between would (rightly) send it again, so wait for the record.
    await until(() => recentAttempts(s!.ctx.db, s!.partnerId, 5).some((a) => a.state === 'delivered'), 'the correction recorded');
    await s!.worker.stop();
    // As `wirefeed` in another process would: its own connection, its own commit.
    const other = openContext(s!.ctx.cfg, createLog('silent'), { migrated: true });
    try {
      const id = other.db.prepare('SELECT id FROM articles').pluck().get() as number;
      withdrawArticle(other.db, id, new Date(), 'Duplicate of a wire story');
    } finally {
      other.db.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(s!.receiver.received.length, 1, 'nothing sent while no worker runs');
    s!.worker = startWebhookWorker(s!.ctx, { pollMs: 20 });
    await until(() => s!.receiver.received.length === 2, 'the kill');
    const payload = JSON.parse(s!.receiver.received[1]!.body.toString()) as { type: string; article: { reason: string } };
    assert.equal(payload.type, 'article.killed');
    assert.equal(payload.article.reason, 'Duplicate of a wire story');
  });
});
