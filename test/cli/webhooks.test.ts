// `wirefeed partners webhook` and `webhook-log` as real processes: the
// secret printed once signs what the writer's worker sends (here one
// started beside an app on the same database file); the log lists the
// attempts; --remove stops them; --ping queues a test event to that
// partner alone; a private address is refused (exit 2). And `partners
// list` shows each partner's webhook, masked, with what is owed to it.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { createPartner, revokePartner } from '../../src/store/partners.js';
import { setWebhook } from '../../src/store/webhooks/endpoints.js';
import { queuePing } from '../../src/store/webhooks/events.js';
import { startWebhookWorker, type WebhookWorker } from '../../src/webhooks/worker.js';
import { configWithSources, runCli, type TestContext, testContext, until } from '../helpers.js';
import { type Receiver, startReceiver } from '../webhooks/receiver.js';

const token = 'webhook-cli-admin-token-0123456789';

describe('wirefeed partners webhook', () => {
  let ctx: TestContext;
  let receiver: Receiver;
  let worker: WebhookWorker;
  let env: Record<string, string>;
  const wirefeed = (...args: string[]) => runCli(args, env);

  before(async () => {
    receiver = await startReceiver();
    // An intranet installation: webhooks may be on private addresses (the receiver is on 127.0.0.1).
    ctx = testContext(configWithSources('  []', `admin:\n  token: ${token}\nwebhooks:\n  allow_private_urls: true\n`));
    env = { WIREFEED_CONFIG: join(ctx.dir, 'config.yaml'), WIREFEED_DB: ctx.cfg.databasePath };
    worker = startWebhookWorker(ctx, { pollMs: 20 });
  });

  after(async () => {
    await worker.stop();
    await receiver.close();
    ctx.close();
  });

  test('sets a webhook and prints its secret once, which signs the kill notice; webhook-log lists the attempt; --remove ends it', async () => {
    assert.equal((await wirefeed('partners', 'add', 'Coast Weekly')).code, 0);
    const set = await wirefeed('partners', 'webhook', 'Coast Weekly', '--url', receiver.url('/hook?token=abc123'));
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^Webhook of Coast Weekly: http:\/\/127\.0\.0\.1:\d+\/hook\?token=REDACTED\n/);
    const secret = /Secret \(shown this once[^)]*\): (whsec_[\w-]+)/.exec(set.stdout)?.[1];
    assert.ok(secret, set.stdout);

    const shown = await wirefeed('partners', 'webhook', 'Coast Weekly');
    assert.match(shown.stdout, /Webhook of Coast Weekly: .*token=REDACTED \(since \d{4}-/);
    assert.match(shown.stdout, /Deliveries: 0 pending, 0 delivered, 0 abandoned, 0 canceled/);
    assert.ok(!shown.stdout.includes(secret) && !shown.stdout.includes('abc123'));
    assert.equal((await wirefeed('partners', 'webhook-log', 'Coast Weekly')).stdout, 'No webhook requests to Coast Weekly yet.\n');

    const app = createApp(ctx);
    const auth = { Authorization: `Bearer ${token}` };
    const res = await request(app).post('/admin/articles').set(auth).send({ title: 'Heron returns', url: 'https://desk.example/heron' }).expect(201);
    await request(app).delete(`/admin/articles/${String(res.body.id).split('/').pop()}`).set(auth).send({ reason: 'Wrong photo' }).expect(204);
    await until(() => receiver.received.length === 1, 'the kill notice');
    const got = receiver.received[0]!;
    const [t, v1] = String(got.headers['wirefeed-signature']).split(',').map((p) => p.slice(p.indexOf('=') + 1));
    assert.equal(v1, createHmac('sha256', secret).update(`${t}.${got.body.toString()}`).digest('hex'));

    await until(() => ctx.db.prepare('SELECT count(*) FROM webhook_attempts').pluck().get() === 1, 'the attempt recorded');
    const log = await wirefeed('partners', 'webhook-log', 'Coast Weekly');
    assert.match(log.stdout, /^sent\s+event\s+type\s+article\s+attempt\s+status\s+duration\s+result\s+delivery\n/);
    assert.match(log.stdout, /\d{4}-\d\d-\d\dT\S+Z\s+\d+\s+article\.killed\s+\d+\s+1\s+200\s+\d+ ms\s+delivered\s+delivered/);

    assert.equal((await wirefeed('partners', 'webhook', 'Coast Weekly', '--remove')).stdout, 'Removed the webhook of Coast Weekly; what was still owed to it is canceled.\n');
    assert.equal((await wirefeed('partners', 'webhook', 'Coast Weekly')).stdout, 'Coast Weekly has no webhook.\n');
    const again = await wirefeed('partners', 'webhook', 'Coast Weekly', '--remove');
    assert.equal(again.code, 2);
    assert.equal(again.stderr, 'partners webhook: Coast Weekly has no webhook\n');
  });

  test('an unknown partner, and --url with --remove, are errors that exit 2', async () => {
    const unknown = await wirefeed('partners', 'webhook', 'Nobody', '--url', 'https://93.184.215.14/hook');
    assert.deepEqual([unknown.code, unknown.stderr], [2, 'partners webhook: no partner named "Nobody"\n']);
    const both = await wirefeed('partners', 'webhook', 'Coast Weekly', '--url', 'https://93.184.215.14/hook', '--remove');
    assert.deepEqual([both.code, both.stderr], [2, 'partners webhook: give one of --url, --remove and --ping\n']);
  });

  test('--ping queues a webhook.ping to that partner alone, which the worker sends signed; webhook-log lists it; without a webhook, or revoked, exit 2', async () => {
    const rail = createPartner(ctx.db, 'Rail Review', { fullText: false, categories: [] }).partner.id;
    const secret = setWebhook(ctx.db, rail, receiver.url('/rail?token=abc123'))!;
    setWebhook(ctx.db, createPartner(ctx.db, 'Harbour Post', { fullText: false, categories: [] }).partner.id, receiver.url('/harbour'));
    const before = receiver.received.length;

    const pinged = await wirefeed('partners', 'webhook', 'Rail Review', '--ping');
    assert.equal(pinged.code, 0, pinged.stderr);
    const [, id, sequence] = /^Queued a webhook\.ping to Rail Review at http:\/\/127\.0\.0\.1:\d+\/rail\?token=REDACTED: event (evt_(\d+)_[0-9a-z]+) \(sequence \2\)\.\n/.exec(pinged.stdout) ?? [];
    assert.ok(id, pinged.stdout);
    assert.match(pinged.stdout, /\nThe writer of `wirefeed serve` sends it \(within a second while it runs\); see `wirefeed partners webhook-log "Rail Review"`\.\n$/);
    assert.ok(!pinged.stdout.includes(secret) && !pinged.stdout.includes('abc123'));

    await until(() => receiver.at('/rail?token=abc123').length === 1, 'the ping');
    const got = receiver.at('/rail?token=abc123')[0]!;
    const [t, v1] = String(got.headers['wirefeed-signature']).split(',').map((p) => p.slice(p.indexOf('=') + 1));
    assert.equal(v1, createHmac('sha256', secret).update(`${t}.${got.body.toString()}`).digest('hex'));
    const payload = JSON.parse(got.body.toString()) as Record<string, unknown>;
    assert.deepEqual(payload, { id, type: 'webhook.ping', occurred_at: payload.occurred_at, sequence: Number(sequence), partner: 'Rail Review' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(receiver.received.length, before + 1, 'Harbour Post, with a webhook too, received nothing');

    await until(() => ctx.db.prepare('SELECT count(*) FROM webhook_attempts WHERE partner_id = ?').pluck().get(rail) === 1, 'the attempt recorded');
    const log = await wirefeed('partners', 'webhook-log', 'Rail Review');
    assert.match(log.stdout, new RegExp(`\\dZ\\s+${sequence}\\s+webhook\\.ping\\s+-\\s+1\\s+200\\s+\\d+ ms\\s+delivered\\s+delivered\\n$`));

    createPartner(ctx.db, 'No Hook', { fullText: false, categories: [] });
    const none = await wirefeed('partners', 'webhook', 'No Hook', '--ping');
    assert.deepEqual([none.code, none.stderr], [2, 'partners webhook: No Hook has no webhook\n']);
    revokePartner(ctx.db, 'Harbour Post');
    const revoked = await wirefeed('partners', 'webhook', 'Harbour Post', '--ping');
    assert.deepEqual([revoked.code, revoked.stderr], [2, 'partners webhook: Harbour Post was revoked\n']);
    assert.equal(ctx.db.prepare("SELECT count(*) FROM webhook_events WHERE type = 'webhook.ping'").pluck().get(), 1, 'nothing more queued');
  });
});

describe('wirefeed partners webhook on a public installation', () => {
  let ctx: TestContext;
  before(() => {
    ctx = testContext(configWithSources('  []'));
  });
  after(() => ctx.close());

  test('refuses a metadata, loopback or private address (exit 2, one line), and sets nothing', async () => {
    const env = { WIREFEED_CONFIG: join(ctx.dir, 'config.yaml'), WIREFEED_DB: ctx.cfg.databasePath };
    assert.equal((await runCli(['partners', 'add', 'Coast Weekly'], env)).code, 0);
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:8080/admin', 'http://[fd00::1]/hook']) {
      const r = await runCli(['partners', 'webhook', 'Coast Weekly', '--url', url], env);
      assert.equal(r.code, 2, url);
      assert.match(r.stderr, /^partners webhook: --url: host "[^"]+" is a loopback, private, link-local or otherwise non-public address\n$/);
    }
    assert.equal((await runCli(['partners', 'webhook', 'Coast Weekly'], env)).stdout, 'Coast Weekly has no webhook.\n');
  });
});

describe('wirefeed partners list with webhooks', () => {
  let ctx: TestContext;
  before(() => {
    ctx = testContext(configWithSources('  []'));
  });
  after(() => ctx.close());

  test("shows each partner's webhook, its credential masked and never the secret, with its pending and abandoned deliveries", async () => {
    const coast = createPartner(ctx.db, 'Coast Weekly', { fullText: false, categories: [] }).partner.id;
    const rail = createPartner(ctx.db, 'Rail Review', { fullText: false, categories: [] }).partner.id;
    createPartner(ctx.db, 'No Hook', { fullText: false, categories: [] });
    const secret = setWebhook(ctx.db, coast, 'https://cms.coast.example/hooks?token=abc123')!;
    setWebhook(ctx.db, rail, 'https://rail.example/hook');
    // No worker runs here: two pings stay pending; one of Rail Review's is marked given up, as the worker would after its last attempt.
    queuePing(ctx.db, coast);
    queuePing(ctx.db, coast);
    const given = queuePing(ctx.db, rail)!;
    ctx.db.prepare("UPDATE webhook_deliveries SET state = 'abandoned', done_at = 1 WHERE event_id = ?").run(given.id);

    const env = { WIREFEED_CONFIG: join(ctx.dir, 'config.yaml'), WIREFEED_DB: ctx.cfg.databasePath };
    const listed = await runCli(['partners', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.split('\n');
    assert.match(lines[0] ?? '', /\bstatus\s+webhook$/);
    assert.match(listed.stdout, /\n\d+\s+Coast Weekly .*\sactive\s+https:\/\/cms\.coast\.example\/hooks\?token=REDACTED \(2 pending, 0 abandoned\)\n/);
    assert.match(listed.stdout, /\n\d+\s+No Hook .*\sactive\s+-\n/);
    assert.match(listed.stdout, /\n\d+\s+Rail Review .*\sactive\s+https:\/\/rail\.example\/hook \(0 pending, 1 abandoned\)\n/);
    assert.ok(!listed.stdout.includes(secret) && !listed.stdout.includes('abc123'));
  });
});
