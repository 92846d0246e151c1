// The built-in WebSub hub inside `serve --readers 2`, as real processes: a
// subscription request sent to the public port (a reader) is passed to the
// primary, which records it (readers never write); the writer thread's hub
// worker verifies it and, after an admin change, delivers the feed; the
// primary's /metrics counts the delivery. Callbacks on 127.0.0.1 are let
// through by websub.allow_private_callbacks, as on an intranet.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSubscriber, type TestSubscriber } from '../hub/subscriber.js';
import { configWithSources, until } from '../helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const ADMIN_TOKEN = 'hub-serve-admin-token-0123456789';

/** A request on a connection of its own (so that each may land on another reader). */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.end(body);
  });
}

describe('serve --readers 2 with the built-in hub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-serve-hub-'));
  let serve: ServeProcess | undefined;
  const log = () => serve?.log() ?? '';
  let port = 0;
  let subscriber: TestSubscriber;

  before(async () => {
    subscriber = await startSubscriber();
    const yaml = configWithSources('  []', `admin:\n  token: ${ADMIN_TOKEN}\nwebsub:\n  allow_private_callbacks: true\n`);
    writeFileSync(join(dir, 'config.yaml'), yaml);
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'hub.db') };
    delete env.WIREFEED_LOG_LEVEL;
    delete env.WIREFEED_ADMIN_TOKEN;
    serve = await startServe({ env, readers: 2 });
    await until(() => serve!.seen.has('writer_acquired'), 'the writer', 20_000);
    port = serve.port;
  });

  after(async () => {
    serve?.child.kill('SIGKILL');
    await subscriber.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('subscribe through a reader, verified by the writer; an admin change is delivered; /metrics counts it; SIGTERM ends it all', async () => {
    const form = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': 'http://feeds.test/feeds/all.json', 'hub.callback': subscriber.callback('/serve') });
    const refused = await send(port, 'POST', '/websub', { 'content-type': 'application/x-www-form-urlencoded' }, 'hub.mode=subscribe');
    assert.equal(refused.status, 400, 'the primary answers through the reader');
    assert.match(refused.body, /hub\.topic is required/);
    const accepted = await send(port, 'POST', '/websub', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
    assert.equal(accepted.status, 202, accepted.body);
    await until(() => subscriber.verifications.length === 1 && /"event":"websub_verified"/.test(log()), 'the verification', 5_000);

    const story = { title: 'Ferry timetable changes', summary: 'Winter times.', content_html: '<p>Winter times.</p>', url: 'https://desk.example/ferry', published: new Date().toISOString() };
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    assert.equal((await send(port, 'POST', '/admin/articles', headers, JSON.stringify(story))).status, 201);
    // The writer's change loop may also have announced the database's first keys (the categories the
    // config mirrored) once the subscription was active: the delivery that counts is the one with the story.
    const withStory = () => subscriber.deliveries.find((d) => d.body.toString().includes('Ferry timetable changes'));
    await until(() => withStory() !== undefined, 'the delivery', 2_000);
    const delivery = withStory()!;
    assert.equal(delivery.headers['content-type'], 'application/feed+json; charset=utf-8');
    assert.equal(JSON.parse(delivery.body.toString()).items[0].title, 'Ferry timetable changes');
    assert.equal(delivery.headers['x-hub-signature'], undefined, 'no secret, no signature');

    // Counted once the writer has recorded it, a moment after the subscriber has it.
    let metrics = '';
    const deliveredCount = () => Number(/^wirefeed_websub_deliveries_total\{outcome="delivered"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    for (let i = 0; i < 50 && deliveredCount() < subscriber.deliveries.length; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      metrics = (await send(port, 'GET', '/metrics')).body;
    }
    assert.ok(deliveredCount() >= 1 && deliveredCount() >= subscriber.deliveries.length - 1, metrics);
    assert.match(metrics, /^wirefeed_websub_subscriptions 1$/m, 'counted once, by the primary');

    assert.equal(await serve!.stop(), 0, log());
  });
});
