// Partner webhooks (issue 21), through the public surface: the admin API
// sets a partner's webhook and answers its secret once; a kill (DELETE
// /admin/articles/{id} with a reason) and a correction (PUT) reach the
// partners that may see the article, signed as README "Webhooks" says (the
// test checks the signature with its own HMAC, as a partner would); a
// failing receiver is retried and every attempt listed; a partner limited
// to other categories, a revoked one, and one whose webhook was removed get
// nothing; private addresses are refused. The receiver is a local server
// on 127.0.0.1 that the SSRF guard is told to take as public.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { createLog } from '../../src/observe/log.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { createPartner, revokePartner } from '../../src/store/partners.js';
import { startWebhookWorker, type WebhookWorker } from '../../src/webhooks/worker.js';
import { configWithSources, type TestContext, testContext, until } from '../helpers.js';
import { type Received, type Receiver, startReceiver } from './receiver.js';

const token = 'webhook-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const fast = 'webhooks:\n  retry_seconds: 0.1\n  max_retry_seconds: 0.2\n  max_attempts: 3\n  timeout_seconds: 2\n';
const BODY_TEXT = 'The heron was seen at dawn by the warden, who counted eleven nests.';

interface Payload {
  id: string;
  type: string;
  occurred_at: string;
  sequence: number;
  article: { id: string; url: string; title: string; reason?: string | null; previous_title?: string | null; changed?: string[]; json_url?: string };
}

/** The check README "Webhooks" tells partners to make: HMAC-SHA256 over "{t}.{raw body}", compared with v1; t recent. */
function verify(r: Received, secret: string): Payload {
  const header = String(r.headers['wirefeed-signature']);
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  assert.ok(Math.abs(Date.now() / 1000 - t) < 300, `timestamp ${t} is recent`);
  const expected = createHmac('sha256', secret).update(`${parts.t}.${r.body.toString('utf8')}`).digest('hex');
  assert.equal(parts.v1, expected, 'the signature matches the body');
  return JSON.parse(r.body.toString('utf8')) as Payload;
}

function article(title: string, slug: string, categories: string[]) {
  return { title, summary: `${title}.`, content_html: `<p>${BODY_TEXT}</p>`, url: `https://desk.example/${slug}`, categories };
}

describe('partner webhooks', () => {
  let ctx: TestContext;
  let app: App;
  let worker: WebhookWorker;
  let receiver: Receiver;
  const logged: string[] = [];
  const metrics = createMetrics();
  const secrets = new Map<string, string>();
  let heron = 0;

  const setHook = async (name: string, path: string, status = 201) => {
    const res = await request(app).put(`/admin/partners/${encodeURIComponent(name)}/webhook`).set(auth).send({ url: receiver.url(path) }).expect(status);
    secrets.set(name, res.body.secret as string);
    return res;
  };

  before(async () => {
    receiver = await startReceiver();
    ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\n${fast}`, false));
    ctx.log = createLog('debug', new Writable({ write: (chunk, _e, done) => (logged.push(String(chunk)), done()) }));
    ctx.addressGuard = receiver.guard;
    app = createApp(ctx, { metrics });
    worker = startWebhookWorker(ctx, { observer: metrics.webhooks, pollMs: 20 });
    createPartner(ctx.db, 'Coast Weekly', { fullText: false, categories: [] });
    createPartner(ctx.db, 'Rail Review', { fullText: true, categories: ['transport'] });
    createPartner(ctx.db, 'Gone Daily', { fullText: true, categories: [] });
    createPartner(ctx.db, 'Flaky Times', { fullText: false, categories: ['climate'] });
    receiver.answers.set('/flaky', [500, 200]);
    await setHook('Coast Weekly', '/coast');
    await setHook('Rail Review', '/rail');
    await setHook('Gone Daily', '/gone');
    await setHook('Flaky Times', '/flaky');
    revokePartner(ctx.db, 'Gone Daily');
  });

  after(async () => {
    await worker.stop();
    await receiver.close();
    ctx.close();
  });

  test('PUT answers the secret once; GET shows the URL and counts, never the secret; a second PUT rotates it', async () => {
    const first = secrets.get('Coast Weekly');
    assert.match(first ?? '', /^whsec_[\w-]{40,}$/);
    const shown = await request(app).get('/admin/partners/Coast%20Weekly/webhook').set(auth).expect(200);
    assert.equal(shown.body.url, receiver.url('/coast'));
    assert.equal(shown.body.secret, undefined);
    assert.ok(!JSON.stringify(shown.body).includes(first!));
    createPartner(ctx.db, 'Rotating Post', { fullText: false, categories: ['transport'] });
    const a = (await setHook('Rotating Post', '/rotating', 201)).body.secret as string;
    const b = (await setHook('Rotating Post', '/rotating', 200)).body.secret as string;
    assert.notEqual(a, b);
    await request(app).put('/admin/partners/Nobody/webhook').set(auth).send({ url: receiver.url('/x') }).expect(404);
    await request(app).put('/admin/partners/Gone%20Daily/webhook').set(auth).send({ url: receiver.url('/gone') }).expect(404);
    await request(app).put('/admin/partners/Coast%20Weekly/webhook').send({ url: receiver.url('/x') }).expect(401);
  });

  test('a kill with a reason reaches the partners that may see it, signed, with the id partners know the item by', async () => {
    const res = await request(app).post('/admin/articles').set(auth).send(article('Heron returns to the marsh', 'heron', ['climate'])).expect(201);
    heron = Number(String(res.body.id).split('/').pop());
    const key = createPartner(ctx.db, 'Feed Reader', { fullText: false, categories: [] }).key;
    const feed = await request(app).get('/feeds/all.json').set('Authorization', `Bearer ${key}`).expect(200);
    const feedId = (feed.body.items as { id: string; title: string }[]).find((i) => i.title === 'Heron returns to the marsh')?.id;
    const withdrawnAt = Date.now();
    await request(app).delete(`/admin/articles/${heron}`).set(auth).send({ reason: 'Legal: names a minor' }).expect(204);
    await until(() => receiver.at('/coast').length === 1, 'the kill at Coast Weekly');
    const got = receiver.at('/coast')[0]!;
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['wirefeed-event-type'], 'article.killed');
    assert.equal(got.headers['wirefeed-delivery-attempt'], '1');
    const payload = verify(got, secrets.get('Coast Weekly')!);
    assert.equal(got.headers['wirefeed-event-id'], payload.id);
    assert.equal(payload.type, 'article.killed');
    assert.equal(payload.article.id, feedId, "the JSON Feed item's id (and RSS guid)");
    assert.deepEqual(payload.article, { id: `http://feeds.test/articles/${heron}`, url: 'https://desk.example/heron', title: 'Heron returns to the marsh', reason: 'Legal: names a minor' });
    assert.ok(Math.abs(Date.parse(payload.occurred_at) - withdrawnAt) < 2000);
  });

  test('a failing receiver (500, then 200) is retried, and both attempts are listed with status and duration', async () => {
    await until(() => receiver.at('/flaky').length === 2, 'the retry at Flaky Times', 5000);
    const [one, two] = receiver.at('/flaky');
    assert.equal(one!.headers['wirefeed-event-id'], two!.headers['wirefeed-event-id'], 'the same event id on every attempt');
    assert.equal(two!.headers['wirefeed-delivery-attempt'], '2');
    assert.equal(one!.body.toString(), two!.body.toString(), 'the same body');
    assert.ok(two!.at - one!.at >= 90, `retried after ${two!.at - one!.at} ms`);
    verify(two!, secrets.get('Flaky Times')!);
    const attemptsOf = () => ctx.db.prepare("SELECT count(*) FROM webhook_attempts a JOIN partners p ON p.id = a.partner_id WHERE p.name = 'Flaky Times'").pluck().get();
    await until(() => attemptsOf() === 2, 'both attempts recorded');
    assert.match(await metrics.registry.metrics(), /wirefeed_webhook_deliveries_total\{outcome="failed"\} 1\n/);
    const log = await request(app).get('/admin/partners/Flaky%20Times/webhook/deliveries').set(auth).expect(200);
    const attempts = log.body.attempts as { attempt: number; status: number | null; error: string | null; duration_ms: number; delivery_state: string; type: string; article_id: number }[];
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.status, a.error, a.delivery_state, a.type, a.article_id]),
      [
        [2, 200, null, 'delivered', 'article.killed', heron],
        [1, 500, 'HTTP 500', 'delivered', 'article.killed', heron],
      ],
    );
    assert.ok(attempts.every((a) => Number.isInteger(a.duration_ms) && a.duration_ms >= 0));
    assert.deepEqual(log.body.deliveries, { pending: 0, delivered: 1, abandoned: 0, canceled: 0 });
  });

  test('a partner limited to other categories, and a revoked one, get nothing', async () => {
    await until(() => receiver.at('/flaky').length >= 2 && receiver.at('/coast').length >= 1, 'the other deliveries');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.at('/rail').length, 0);
    assert.equal(receiver.at('/gone').length, 0);
    const rail = await request(app).get('/admin/partners/Rail%20Review/webhook/deliveries').set(auth).expect(200);
    assert.deepEqual(rail.body.attempts, []);
  });

  test('a correction (PUT) tells what changed and the titles, never the text', async () => {
    const res = await request(app).post('/admin/articles').set(auth).send(article('Rail strike called off', 'strike', ['transport'])).expect(201);
    const id = Number(String(res.body.id).split('/').pop());
    const corrected = { ...article('Rail strike called off after talks', 'strike', ['transport']), content_html: '<p>Unions and operators agreed at midnight.</p>' };
    await request(app).put(`/admin/articles/${id}`).set(auth).send(corrected).expect(200);
    await until(() => receiver.at('/rail').length === 1 && receiver.at('/coast').length === 2, 'the correction');
    for (const [path, name] of [['/rail', 'Rail Review'], ['/coast', 'Coast Weekly']] as const) {
      const got = receiver.at(path).at(-1)!;
      const payload = verify(got, secrets.get(name)!);
      assert.equal(payload.type, 'article.corrected');
      assert.deepEqual(payload.article, {
        id: `http://feeds.test/articles/${id}`,
        url: 'https://desk.example/strike',
        title: 'Rail strike called off after talks',
        previous_title: 'Rail strike called off',
        changed: ['title', 'summary', 'content_html'],
        json_url: `http://feeds.test/articles/${id}.json`,
      });
      assert.ok(!got.body.toString().includes('midnight') && !got.body.toString().includes(BODY_TEXT), 'no body text');
    }
    // Flaky Times sees climate only.
    assert.equal(receiver.at('/flaky').length, 2);
    // A PUT that changes nothing a partner reads of the text sends nothing.
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...corrected, tags: ['unions'] }).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.at('/rail').length, 1);
  });

  test('a removed webhook is sent nothing more', async () => {
    await request(app).delete('/admin/partners/Rail%20Review/webhook').set(auth).expect(204);
    await request(app).delete('/admin/partners/Rail%20Review/webhook').set(auth).expect(404);
    await request(app).get('/admin/partners/Rail%20Review/webhook').set(auth).expect(404);
    const res = await request(app).post('/admin/articles').set(auth).send(article('Night trains return', 'night-trains', ['transport'])).expect(201);
    await request(app).delete(`/admin/articles/${Number(String(res.body.id).split('/').pop())}`).set(auth).expect(204);
    await until(() => receiver.at('/coast').length === 3, 'the kill at Coast Weekly');
    assert.equal(receiver.at('/rail').length, 1);
  });

  test('a story under embargo: its correction and kill reach only partners permitted embargoed stories', async () => {
    createPartner(ctx.db, 'Early Desk', { fullText: false, categories: [], embargoed: true });
    await setHook('Early Desk', '/early');
    const coastBefore = receiver.at('/coast').length;
    const held = { ...article('Budget leaks ahead of the statement', 'budget', ['climate']), embargo_until: new Date(Date.now() + 3_600_000).toISOString() };
    const res = await request(app).post('/admin/articles').set(auth).send(held).expect(201);
    const id = Number(String(res.body.id).split('/').pop());
    await request(app).put(`/admin/articles/${id}`).set(auth).send({ ...held, title: 'Budget details leak ahead of the statement' }).expect(200);
    await request(app).delete(`/admin/articles/${id}`).set(auth).send({ reason: 'Embargo broken elsewhere' }).expect(204);
    await until(() => receiver.at('/early').length === 2, 'the correction and the kill at Early Desk');
    assert.deepEqual(
      receiver.at('/early').map((r) => verify(r, secrets.get('Early Desk')!).type),
      ['article.corrected', 'article.killed'],
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.at('/coast').length, coastBefore, 'a partner without the permission never hears of it');
    assert.ok(!receiver.received.some((r) => r.path !== '/early' && r.body.toString().includes('Budget')));
  });

  test('a webhook URL on a loopback, private, link-local or metadata address is refused with a 400 naming url', async () => {
    for (const url of [
      'http://127.0.0.1:1/hook',
      'http://localhost/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::1]/hook',
      'http://10.1.2.3/hook',
      'http://metadata.google.internal/computeMetadata/v1/',
      'ftp://example.com/hook',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const res = await request(app).put('/admin/partners/Coast%20Weekly/webhook').set(auth).send({ url }).expect(400);
      assert.equal(res.body.field, 'url', url);
    }
    await request(app).put('/admin/partners/Coast%20Weekly/webhook').set(auth).send({ url: receiver.url('/coast'), extra: 1 }).expect(400);
    const still = await request(app).get('/admin/partners/Coast%20Weekly/webhook').set(auth).expect(200);
    assert.equal(still.body.url, receiver.url('/coast'), 'a refused URL changes nothing');
  });

  test('no secret is ever logged, and /metrics counts deliveries by outcome', async () => {
    const text = logged.join('');
    assert.ok(text.includes('"event":"webhook_delivered"'));
    for (const secret of secrets.values()) assert.ok(!text.includes(secret), 'the secret is not in the log');
    assert.match(await metrics.registry.metrics(), /wirefeed_webhook_deliveries_total\{outcome="delivered"\} [4-9]/);
  });

});
