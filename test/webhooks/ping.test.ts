// POST /admin/partners/{name}/webhook/ping, through the public surface: the
// ping reaches the partner named and no other, signed with its secret (the
// test checks it with its own HMAC, as a partner would), in the envelope of
// the other events; it is retried and listed like them; an unknown or
// revoked partner, or one without a webhook, is a 404 that queues nothing;
// and a ping is no way round the SSRF guard. The receivers are local
// servers on 127.0.0.1; the guard is told to take one port of one of them
// as public.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { type App, createApp } from '../../src/http/app.js';
import { createLog } from '../../src/observe/log.js';
import { createPartner, revokePartner } from '../../src/store/partners.js';
import { setWebhook } from '../../src/store/webhooks/endpoints.js';
import { startWebhookWorker, type WebhookWorker } from '../../src/webhooks/worker.js';
import { configWithSources, type TestContext, testContext, until } from '../helpers.js';
import { type Received, type Receiver, startReceiver } from './receiver.js';

const token = 'webhook-ping-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const fast = 'webhooks:\n  retry_seconds: 0.1\n  max_retry_seconds: 0.1\n  max_attempts: 2\n  timeout_seconds: 2\n';
const COAST = '/coast?token=hook-credential-42';

/** README "Webhooks": HMAC-SHA256, keyed by the secret, over "{t}.{raw body}", compared with v1. */
function verified(r: Received, secret: string): Record<string, unknown> {
  const { t, v1 } = Object.fromEntries(String(r.headers['wirefeed-signature']).split(',').map((kv) => kv.split('=') as [string, string]));
  assert.ok(Math.abs(Date.now() / 1000 - Number(t)) < 300, `timestamp ${t} is recent`);
  assert.equal(v1, createHmac('sha256', secret).update(`${t}.`).update(r.body).digest('hex'), 'the signature matches the body');
  return JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
}

describe('webhook ping', () => {
  let ctx: TestContext;
  let app: App;
  let worker: WebhookWorker;
  let receiver: Receiver;
  /** Not public to the guard: a ping must not reach it. */
  let intranet: Receiver;
  const logged: string[] = [];
  const secrets = new Map<string, string>();
  const ping = (name: string) => request(app).post(`/admin/partners/${encodeURIComponent(name)}/webhook/ping`).set(auth);
  const pings = () => ctx.db.prepare("SELECT count(*) FROM webhook_events WHERE type = 'webhook.ping'").pluck().get() as number;

  before(async () => {
    receiver = await startReceiver();
    intranet = await startReceiver();
    ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\n${fast}`, false));
    ctx.log = createLog('debug', new Writable({ write: (chunk, _e, done) => (logged.push(String(chunk)), done()) }));
    ctx.addressGuard = receiver.guard;
    app = createApp(ctx);
    worker = startWebhookWorker(ctx, { pollMs: 20 });
    for (const [name, path, categories] of [
      ['Coast Weekly', COAST, []],
      ['Rail Review', '/rail', ['transport']],
      ['Gone Daily', '/gone', []],
    ] as const) {
      createPartner(ctx.db, name, { fullText: false, categories: [...categories] });
      const res = await request(app).put(`/admin/partners/${encodeURIComponent(name)}/webhook`).set(auth).send({ url: receiver.url(path) }).expect(201);
      secrets.set(name, res.body.secret as string);
    }
    createPartner(ctx.db, 'No Hook', { fullText: false, categories: [] });
    revokePartner(ctx.db, 'Gone Daily');
  });

  after(async () => {
    await worker.stop();
    await receiver.close();
    await intranet.close();
    ctx.close();
  });

  test('answers 202 with the event id and where to watch it; the partner alone receives it, signed, in the events envelope', async () => {
    const res = await ping('Coast Weekly').expect(202);
    assert.equal(res.headers['cache-control'], 'no-store');
    const { event_id: eventId, sequence, since, ...rest } = res.body as { event_id: string; sequence: number; since: string };
    assert.equal(eventId, `evt_${sequence}_${/_([0-9a-z]+)$/.exec(eventId)?.[1]}`, 'evt_{sequence}_{time}');
    assert.ok(Number.isInteger(sequence) && Date.parse(since) > 0);
    assert.deepEqual(rest, {
      partner: 'Coast Weekly',
      url: receiver.url('/coast?token=REDACTED'),
      deliveries: { pending: 1, delivered: 0, abandoned: 0, canceled: 0 },
      type: 'webhook.ping',
      deliveries_url: '/admin/partners/Coast%20Weekly/webhook/deliveries',
    });
    assert.ok(!JSON.stringify(res.body).includes(secrets.get('Coast Weekly')!), 'never the secret');

    await until(() => receiver.at(COAST).length === 1, 'the ping at Coast Weekly');
    const got = receiver.at(COAST)[0]!;
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['wirefeed-event-type'], 'webhook.ping');
    assert.equal(got.headers['wirefeed-event-id'], res.body.event_id);
    assert.equal(got.headers['wirefeed-delivery-attempt'], '1');
    const payload = verified(got, secrets.get('Coast Weekly')!);
    assert.ok(Math.abs(Date.parse(String(payload.occurred_at)) - Date.now()) < 5000, 'occurred_at: when it was asked for');
    assert.deepEqual(payload, { id: res.body.event_id, type: 'webhook.ping', occurred_at: payload.occurred_at, sequence: res.body.sequence, partner: 'Coast Weekly' });

    // Rail Review has a webhook and sees every event of its categories: a ping to another is not one of them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.received.length, 1, 'no other partner received it');
    assert.equal(ctx.db.prepare('SELECT count(*) FROM webhook_deliveries WHERE event_id = ?').pluck().get(res.body.sequence), 1);
  });

  test('the deliveries log lists it, with no article; a failed ping is retried like any other event', async () => {
    const log = await request(app).get('/admin/partners/Coast%20Weekly/webhook/deliveries').set(auth).expect(200);
    const [first] = log.body.attempts as Record<string, unknown>[];
    assert.deepEqual([first?.type, first?.article_id, first?.attempt, first?.status, first?.error, first?.delivery_state], ['webhook.ping', null, 1, 200, null, 'delivered']);
    assert.equal(first?.url, receiver.url('/coast?token=REDACTED'));

    receiver.answers.set('/rail', [503, 200]);
    const res = await ping('Rail Review').expect(202);
    await until(() => receiver.at('/rail').length === 2, 'the retried ping at Rail Review', 5000);
    const [one, two] = receiver.at('/rail');
    assert.equal(two!.headers['wirefeed-delivery-attempt'], '2');
    assert.equal(one!.body.toString(), two!.body.toString(), 'the same body on every attempt');
    assert.equal(verified(two!, secrets.get('Rail Review')!).id, res.body.event_id);
    await until(() => ctx.db.prepare('SELECT count(*) FROM webhook_attempts WHERE partner_id = (SELECT id FROM partners WHERE name = ?)').pluck().get('Rail Review') === 2, 'both attempts recorded');
    const rail = await request(app).get('/admin/partners/Rail%20Review/webhook/deliveries').set(auth).expect(200);
    assert.deepEqual(
      (rail.body.attempts as { event_id: number; attempt: number; status: number; delivery_state: string }[]).map((a) => [a.event_id, a.attempt, a.status, a.delivery_state]),
      [
        [res.body.sequence, 2, 200, 'delivered'],
        [res.body.sequence, 1, 503, 'delivered'],
      ],
    );
    assert.equal(receiver.at(COAST).length, 1, 'Coast Weekly was not sent Rail Review\'s ping');
  });

  test('an unknown or revoked partner, or one without a webhook, is a 404 and queues nothing; no token is a 401', async () => {
    const before = pings();
    for (const [name, error] of [
      ['Nobody', 'partner: no partner "Nobody"'],
      ['Gone Daily', 'partner: "Gone Daily" was revoked'],
      ['No Hook', 'partner: "No Hook" has no webhook'],
    ]) {
      const res = await ping(name!).expect(404);
      assert.deepEqual(res.body, { error });
    }
    await request(app).post('/admin/partners/Coast%20Weekly/webhook/ping').expect(401);
    assert.equal(pings(), before);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(receiver.at('/gone').length, 0);
  });

  test('a ping is no way round the SSRF guard: a webhook that has come to point at a non-public address is refused at connect', async () => {
    createPartner(ctx.db, 'Intranet Post', { fullText: false, categories: [] });
    const id = ctx.db.prepare("SELECT id FROM partners WHERE name = 'Intranet Post'").pluck().get() as number;
    // Stored as it is, as if its name had resolved to a public address when it was set.
    setWebhook(ctx.db, id, intranet.url('/hook'));
    await ping('Intranet Post').expect(202);
    const states = () => ctx.db.prepare('SELECT state, last_error FROM webhook_deliveries WHERE partner_id = ?').get(id) as { state: string; last_error: string };
    await until(() => states().state === 'abandoned', 'the ping given up');
    assert.match(states().last_error, /non-public|loopback/);
    assert.equal(intranet.received.length, 0, 'nothing reached it');
  });

  test('no secret is logged; the deliveries are logged like any other', () => {
    const text = logged.join('');
    assert.match(text, /"event":"webhook_delivered","partner":"Coast Weekly","event_id":"evt_\d+_[0-9a-z]+","type":"webhook.ping"/);
    for (const secret of secrets.values()) assert.ok(!text.includes(secret));
    assert.ok(!text.includes('hook-credential-42'), 'the URL credential is masked in the log');
  });
});
