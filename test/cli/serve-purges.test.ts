// The cache in front is purged by the writer of a real `serve`, as a
// deployment runs it: an article published through the admin API reaches
// the purger within a second of the commit, with the keys its answers
// carry, and /metrics counts the purge and shows the queue empty. And
// `ingest --once` with no serve (a cron job) purges what it changed before
// it exits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configWithSources, runCli, serveFixtures, until } from '../helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const token = 'serve-purge-token-0123456789';

test('serve purges what an admin change touched within a second, and counts it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-purges-'));
  const purges: { at: number; keys: string[] }[] = [];
  const catcher = await serveFixtures({
    '/': (req, res) => {
      purges.push({ at: Date.now(), keys: String(req.headers['surrogate-key'] ?? '').split(' ') });
      res.writeHead(200).end();
    },
  });
  const yaml = configWithSources('  []', `admin:\n  token: ${token}\nserver:\n  readers: 1\nedge:\n  purgers:\n    - url: ${catcher.url}/\n`, false);
  writeFileSync(join(dir, 'config.yaml'), yaml);
  const env = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'wirefeed.db'), WIREFEED_PORT: '0', WIREFEED_LOG_LEVEL: 'info' };
  let serve: ServeProcess | undefined;
  try {
    serve = await startServe({ env });
    const origin = `http://127.0.0.1:${serve.port}`;
    // What opening a fresh database queued goes first.
    await until(() => purges.length > 0, 'the first purge');
    await new Promise((resolve) => setTimeout(resolve, 300));
    purges.length = 0;

    const res = await fetch(`${origin}/admin/articles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Lock gates replaced',
        url: 'https://desk.example/news/lock-gates',
        summary: 'The canal reopens on Monday.',
        content_html: '<p>The canal reopens on Monday.</p>',
        categories: ['transport'],
        published: '2026-11-30T09:00:00Z',
      }),
    });
    assert.equal(res.status, 201);
    const committed = Date.now();
    const id = /\/articles\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1];
    await until(() => purges.some((p) => p.keys.includes(`article/${id}`)), 'the purge of the new article', 5_000);
    const purge = purges.find((p) => p.keys.includes(`article/${id}`))!;
    assert.ok(purge.at - committed < 1_000, `purged ${purge.at - committed} ms after the commit`);
    assert.ok(purge.keys.includes('all') && purge.keys.includes('category/transport'));
    const feed = await fetch(`${origin}/feeds/categories/transport.rss`);
    assert.deepEqual(feed.headers.get('surrogate-key')?.split(' '), ['category/transport', `article/${id}`]);

    let metrics = '';
    // Writes after the admin change's own (relate's) queue keys too: the queue empties soon after.
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      metrics = await (await fetch(`${origin}/metrics`)).text();
      if (/^wirefeed_edge_purge_queue_keys 0$/m.test(metrics)) break;
    }
    assert.match(metrics, new RegExp(`wirefeed_edge_purge_requests_total\\{purger="${catcher.url}/",outcome="ok"\\} [1-9]`));
    assert.match(metrics, /^wirefeed_edge_purge_queue_keys 0$/m);
  } finally {
    await serve?.stop();
    await catcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest --once with no serve running purges what it changed before it exits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-purges-cli-'));
  const purges: string[][] = [];
  const catcher = await serveFixtures({
    '/': (req, res) => {
      purges.push(String(req.headers['surrogate-key'] ?? '').split(' '));
      res.writeHead(200).end();
    },
  });
  const feed = join(dir, 'desk.rss');
  writeFileSync(
    feed,
    `<rss version="2.0"><channel><title>Desk</title><link>https://desk.example/</link><description>d</description>
     <item><title>Harbour crane arrives</title><link>https://desk.example/crane</link><guid>https://desk.example/crane</guid>
     <category>Transit</category><pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`,
  );
  writeFileSync(join(dir, 'config.yaml'), configWithSources(`  - { slug: desk, name: The Desk, file: "${feed}" }`, `edge:\n  purgers:\n    - url: ${catcher.url}/\n`));
  try {
    const cli = await runCli(['ingest', '--once'], { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'wirefeed.db') });
    assert.equal(cli.code, 0, cli.stderr);
    const keys = purges.flat();
    assert.ok(keys.includes('all') && keys.includes('category/transport') && keys.some((k) => k.startsWith('article/')), keys.join(' '));
  } finally {
    await catcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve lets an embargoed article out at its time: not a second before, purged and served within a second after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-purges-embargo-'));
  const purges: { at: number; keys: string[] }[] = [];
  const catcher = await serveFixtures({
    '/': (req, res) => {
      purges.push({ at: Date.now(), keys: String(req.headers['surrogate-key'] ?? '').split(' ') });
      res.writeHead(200).end();
    },
  });
  const yaml = configWithSources('  []', `admin:\n  token: ${token}\nedge:\n  purgers:\n    - url: ${catcher.url}/\n`, false);
  writeFileSync(join(dir, 'config.yaml'), yaml);
  const env = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'wirefeed.db'), WIREFEED_PORT: '0', WIREFEED_LOG_LEVEL: 'info' };
  const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
  let serve: ServeProcess | undefined;
  try {
    serve = await startServe({ env });
    const origin = `http://127.0.0.1:${serve.port}`;
    const lift = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
    const res = await fetch(`${origin}/admin/articles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Rates held at four percent', url: 'https://desk.example/rates', summary: 'Rates.', categories: ['transport'], embargo_until: new Date(lift).toISOString() }),
    });
    assert.equal(res.status, 201);
    const id = /\/articles\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1];
    const shows = async () => (await (await fetch(`${origin}/feeds/categories/transport.rss`)).text()).includes('Rates held at four percent');
    assert.equal(await shows(), false);
    await sleepUntil(lift - 1_000);
    assert.equal(await shows(), false, 'one second before the lift');
    purges.length = 0;
    await sleepUntil(lift + 1_000);
    assert.equal(await shows(), true, 'one second after the lift');
    await until(() => purges.some((p) => p.keys.includes(`article/${id}`) && p.keys.includes('category/transport')), 'the purge at the lift', 3_000);
    const purge = purges.find((p) => p.keys.includes(`article/${id}`))!;
    assert.ok(purge.at >= lift && purge.at - lift < 1_000, `purged ${purge.at - lift} ms after the lift`);
  } finally {
    await serve?.stop();
    await catcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
