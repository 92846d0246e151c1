// deploy/varnish/wirefeed.vcl for real: varnishd (Debian's varnish 7)
// with the VCL, in front of `wirefeed serve` as a process, both on
// 127.0.0.1, the serve purging Varnish through config edge.purgers.
// Skipped when varnishd is not installed (.ci/run installs it).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { freePort } from '../../../bench/child.js';
import { findVarnishd, startVarnish, startWirefeed, type Varnish, type Wirefeed } from '../../../bench/varnish-stack.js';
import { encodeQueuedKey } from '../../../src/publish/edge/keys.js';
import { batchesOf } from '../../../src/publish/push/changes.js';
import { runCli } from '../../helpers.js';

const varnishd = findVarnishd();
const skip = varnishd ? false : 'varnishd is not installed (Debian: apt-get install varnish); the Varnish tests are skipped';
const token = 'varnish-admin-token-0123456789';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request on a fresh connection, with exactly these headers; the body as it came (no decoding). */
function ask(url: string, options: { method?: string; headers?: Record<string, string>; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (a: Answer) => (a.headers['content-encoding'] === 'gzip' ? gunzipSync(a.body) : a.body).toString('utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function configYaml(varnishPort: number, edge = ''): string {
  return `site:
  title: Varnish Desk
  base_url: http://feeds.test
  author: Varnish Desk
server:
  readers: 1
publish:
  full_text_public: false
admin:
  token: ${token}
edge:
${edge}  purgers:
    - url: http://127.0.0.1:${varnishPort}/
ingest:
  on_start: false
categories:
  - slug: climate
    label: Climate
  - slug: transport
    label: Transport
sources: []
`;
}

interface Stack {
  dir: string;
  env: Record<string, string>;
  varnish: Varnish;
  wirefeed: Wirefeed;
  stop(): Promise<void>;
}

/**
 * Varnish first, pointed at the port the serve will take, so that the
 * serve's first purges find it (a refused purge is retried only after a
 * back-off); then the serve; ready once Varnish reaches it.
 */
async function startStack(edge = ''): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-varnish-'));
  let varnish: Varnish | undefined;
  let wirefeed: Wirefeed | undefined;
  try {
    const servePort = await freePort();
    varnish = await startVarnish({ varnishd: varnishd!, backendPort: servePort });
    const config = join(dir, 'config.yaml');
    writeFileSync(config, configYaml(varnish.port, edge));
    const env = { WIREFEED_CONFIG: config, WIREFEED_DB: join(dir, 'wirefeed.db') };
    wirefeed = await startWirefeed({ config, db: env.WIREFEED_DB, port: servePort, logFile: join(dir, 'serve.log') });
    // The probe may have found the port closed before the serve listened; it is up again at its first good poll.
    const deadline = Date.now() + 15_000;
    while ((await ask(`${varnish.base}/healthz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('varnish: the serve is not reachable through Varnish after 15 s');
      await sleep(100);
    }
    const [cache, origin] = [varnish, wirefeed];
    return {
      dir,
      env,
      varnish: cache,
      wirefeed: origin,
      async stop() {
        await origin.stop();
        await cache.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await wirefeed?.stop();
    await varnish?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function publish(stack: Stack, title: string, category: string, tags: string[] = [], extra: Record<string, unknown> = {}): Promise<number> {
  const slug = title.toLowerCase().replace(/\W+/g, '-');
  const res = await fetch(`${stack.wirefeed.base}/admin/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title,
      url: `https://desk.example/news/${slug}`,
      summary: `${title}: the public summary.`,
      content_html: `<p>${title}. FULL-TEXT-ONLY paragraph for partners.</p>`,
      categories: [category],
      tags,
      published: new Date().toISOString(),
      ...extra,
    }),
  });
  assert.equal(res.status, 201, await res.text());
  return Number(/\/articles\/(\d+)$/.exec(res.headers.get('location') ?? '')?.[1]);
}

/** Until the serve's writer has sent every queued key to Varnish (its /metrics). */
async function purgesSent(stack: Stack): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const metrics = (await ask(`${stack.wirefeed.base}/metrics`)).body.toString('utf8');
    if (/^wirefeed_edge_purge_queue_keys 0$/m.test(metrics)) return;
    if (Date.now() > deadline) throw new Error('varnish: purges still queued after 15 s');
    await sleep(50);
  }
}

/**
 * Feed requests wirefeed has answered, from its /metrics (counted as each is
 * answered; varnishstat's totals can lag, its threads adding their counts
 * now and then).
 */
async function originFeedRequests(stack: Stack): Promise<number> {
  const metrics = (await ask(`${stack.wirefeed.base}/metrics`)).body.toString('utf8');
  return [...metrics.matchAll(/^wirefeed_http_requests_total\{[^}]*route="\/feeds\/[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('Varnish in front of wirefeed (deploy/varnish/wirefeed.vcl)', { skip }, () => {
  let stack: Stack;
  let partnerKey: string;
  let v: string;
  before(async () => {
    stack = await startStack();
    v = stack.varnish.base;
    const added = await runCli(['partners', 'add', 'Varnish Partner', '--full-text'], stack.env);
    assert.equal(added.code, 0, added.stderr);
    partnerKey = /Key \(shown this once[^)]*\): (\S+)/.exec(added.stdout)![1]!;
    await publish(stack, 'Flood barrier approved by council', 'climate', ['Port Elling']);
    await publish(stack, 'Tram line opens to commuters', 'transport');
    await purgesSent(stack);
  });
  after(async () => {
    await stack?.stop();
  });

  test('repeated polls are hits, and conditional polls are answered 304 by Varnish itself', async () => {
    const url = `${v}/feeds/categories/transport.rss`;
    const first = await ask(url, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(first.status, 200);
    const fetched = await originFeedRequests(stack);
    for (let i = 0; i < 5; i++) {
      const again = await ask(url, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(again.headers['x-cache'], 'HIT');
      assert.equal(again.headers.etag, first.headers.etag);
    }
    const byEtag = await ask(url, { headers: { 'accept-encoding': 'gzip', 'if-none-match': String(first.headers.etag) } });
    assert.equal(byEtag.status, 304);
    assert.equal(byEtag.headers['x-cache'], 'HIT');
    const byDate = await ask(url, { headers: { 'if-modified-since': String(first.headers['last-modified']) } });
    assert.equal(byDate.status, 304);
    assert.equal(await originFeedRequests(stack), fetched, 'nothing was asked of wirefeed');
  });

  test('one object serves gzip, brotli-only and identity clients and every feed reader Accept; a browser gets the HTML preview', async () => {
    const url = `${v}/feeds/categories/climate.atom`;
    const fetched = await originFeedRequests(stack);
    const clients: Record<string, string>[] = [
      { 'accept-encoding': 'gzip, deflate, br', accept: 'application/atom+xml, application/xml;q=0.9' },
      { 'accept-encoding': 'br', accept: '*/*' },
      { accept: 'application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, text/xml;q=0.4' },
      {},
      { 'accept-encoding': 'gzip' },
    ];
    const answers = [];
    for (const headers of clients) answers.push(await ask(url, { headers }));
    assert.equal((await originFeedRequests(stack)) - fetched, 1, 'one fetch from wirefeed for all five');
    for (const [i, a] of answers.entries()) {
      assert.equal(a.status, 200);
      const gzip = /gzip/.test(clients[i]!['accept-encoding'] ?? '');
      assert.equal(a.headers['content-encoding'], gzip ? 'gzip' : undefined, `client ${i}`);
      assert.match(a.headers['content-type']!.toString(), /^application\/atom\+xml/);
      assert.match(text(a), /^<\?xml[\s\S]*Flood barrier approved by council/);
      assert.match(String(a.headers.vary), /Accept-Encoding/);
    }
    const browser = await ask(url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    assert.match(String(browser.headers['content-type']), /^text\/html/);
    const reader = await ask(url, { headers: { accept: 'application/atom+xml' } });
    assert.match(String(reader.headers['content-type']), /^application\/atom\+xml/);
    assert.equal(reader.headers['x-cache'], 'HIT');
  });

  test('what is meant for Varnish alone never reaches a client', async () => {
    const a = await ask(`${v}/feeds/all.json`);
    assert.equal(a.status, 200);
    assert.ok(a.headers['x-cache']);
    for (const name of ['surrogate-key', 'surrogate-control', 'cdn-cache-control', 'x-wirefeed-swr']) assert.equal(a.headers[name], undefined, name);
    assert.match(String(a.headers['cache-control']), /^public, max-age=300\b/);
  });

  test('a change is visible through Varnish within a second of its commit; a feed it did not touch stays cached', async (t) => {
    const touched = `${v}/feeds/categories/climate.rss`;
    const untouched = `${v}/feeds/categories/transport.json`;
    await ask(touched);
    const before = await ask(untouched);
    assert.equal((await ask(touched)).headers['x-cache'], 'HIT');
    // Age counts whole seconds.
    await sleep(1100);
    await publish(stack, 'Sea wall fund doubled after storm surge', 'climate', ['Sea Wall']);
    const committed = performance.now();
    let visibleMs: number | undefined;
    while (visibleMs === undefined && performance.now() - committed < 10_000) {
      if (text(await ask(touched)).includes('Sea wall fund doubled')) visibleMs = performance.now() - committed;
      else await sleep(10);
    }
    assert.ok(visibleMs !== undefined, 'the new story reached the feed through Varnish within 10 s');
    t.diagnostic(`visible through Varnish ${visibleMs.toFixed(0)} ms after the commit`);
    // The strict figure (1 s) is the benchmark's (bench/varnish.ts); here only what no busy machine breaks.
    assert.ok(visibleMs < 3000, `${visibleMs.toFixed(0)} ms`);
    assert.match(text(await ask(`${v}/feeds/all.rss`)), /Sea wall fund doubled/);
    const after = await ask(untouched);
    assert.equal(after.headers['x-cache'], 'HIT');
    assert.equal(after.headers.etag, before.headers.etag);
    assert.ok(Number(after.headers.age) >= 1, `Age ${String(after.headers.age)}`);
  });

  test('a story stored under embargo purges nothing: its category feed stays cached, same ETag, its Age running on', async () => {
    const feed = `${v}/feeds/categories/transport.rss`;
    await ask(feed);
    const before = await ask(feed);
    assert.equal(before.headers['x-cache'], 'HIT');
    await sleep(1100);
    await publish(stack, 'Tunnel contract awarded early', 'transport', ['Tunnel'], { embargo_until: new Date(Date.now() + 3_600_000).toISOString() });
    await purgesSent(stack);
    const after = await ask(feed);
    assert.equal(after.headers['x-cache'], 'HIT', 'not purged');
    assert.equal(after.headers.etag, before.headers.etag);
    assert.ok(Number(after.headers.age) > Number(before.headers.age), `Age ${String(before.headers.age)} → ${String(after.headers.age)}`);
    assert.ok(!text(after).includes('Tunnel contract'));
  });

  test("a partner's request is passed to wirefeed and its full text never enters the cache, nor does the public get it", async () => {
    const url = `${v}/feeds/categories/transport.json`;
    const bearer = { authorization: `Bearer ${partnerKey}` };
    const partner = await ask(url, { headers: bearer });
    assert.equal(partner.status, 200);
    assert.equal(partner.headers['x-cache'], 'PASS');
    assert.match(String(partner.headers['cache-control']), /^private\b/);
    assert.match(text(partner), /FULL-TEXT-ONLY/);
    const publicAnswer = await ask(url);
    assert.doesNotMatch(text(publicAnswer), /FULL-TEXT-ONLY/);
    assert.match(text(publicAnswer), /the public summary/);
    // Once the public answer is cached, a partner still gets its own.
    assert.equal((await ask(url)).headers['x-cache'], 'HIT');
    assert.match(text(await ask(url, { headers: bearer })), /FULL-TEXT-ONLY/);
    const byQuery = await ask(`${url}?key=${encodeURIComponent(partnerKey)}`);
    assert.equal(byQuery.headers['x-cache'], 'PASS');
    assert.match(text(byQuery), /FULL-TEXT-ONLY/);
    // A partner asking first leaves nothing for the public either.
    const fresh = `${v}/feeds/categories/climate.json`;
    assert.match(text(await ask(fresh, { headers: bearer })), /FULL-TEXT-ONLY/);
    const afterPartner = await ask(fresh);
    assert.notEqual(afterPartner.headers['x-cache'], 'PASS');
    assert.doesNotMatch(text(afterPartner), /FULL-TEXT-ONLY/);
    // The admin API and the operator's routes are never cached.
    for (const path of ['/metrics', '/status', '/readyz']) assert.equal((await ask(`${v}${path}`)).headers['x-cache'], 'PASS', path);
  });

  test('PURGE: only from the ACL, only well-formed keys, and it drops what carries the key', async () => {
    const purge = (headers: Record<string, string>, localAddress?: string) => ask(`${v}/`, { method: 'PURGE', headers, localAddress });
    assert.equal((await purge({ 'surrogate-key': 'all' }, '127.0.0.2')).status, 403);
    assert.equal((await purge({})).status, 400);
    assert.equal((await purge({ 'surrogate-key': 'all) | (.*' })).status, 400);
    assert.equal((await purge({ 'surrogate-key': '   ' })).status, 400);
    // The longest batch the purge loop sends (publish/edge/purge-loop.ts batchesOf): 6,000
    // characters of long keys (non-Latin tags, percent-encoded), under Varnish's default limits.
    const keys = Array.from({ length: 200 }, (_, i) => `tag/набережная-москвы-${i}`);
    const batch = batchesOf(keys.map((key) => ({ key, changes: 1, attempts: 0, queuedAt: 0 })), 256)[0]!.map((p) => encodeQueuedKey(p.key)).join(' ');
    assert.ok(batch.length > 5_800 && batch.length <= 6_000, String(batch.length));
    assert.equal((await purge({ 'surrogate-key': batch })).status, 200);
    const url = `${v}/feeds/categories/transport.atom`;
    await ask(url);
    assert.equal((await ask(url)).headers['x-cache'], 'HIT');
    const other = `${v}/feeds/categories/climate.atom`;
    await ask(other);
    // `category/trans` is not a key of the feed: keys match as whole words.
    assert.equal((await purge({ 'surrogate-key': ' category/trans  category/transport.x ' })).status, 200);
    assert.equal((await ask(url)).headers['x-cache'], 'HIT');
    const purged = await purge({ 'surrogate-key': 'category/transport' });
    assert.equal(purged.status, 200);
    assert.equal(purged.body.toString(), 'Purged\n');
    assert.equal((await ask(url)).headers['x-cache'], 'MISS');
    assert.equal((await ask(other)).headers['x-cache'], 'HIT');
  });
});

describe('Varnish in front of wirefeed: stale-if-error', { skip }, () => {
  let stack: Stack;
  before(async () => {
    // Answers expire after a second and may be served a second more while fetched again; stale-if-error stays a day.
    stack = await startStack('  max_age_seconds: 1\n  stale_while_revalidate_seconds: 1\n');
  });
  after(async () => {
    await stack?.stop();
  });

  test('with wirefeed stopped, Varnish serves the copy it has, whether or not its probe has noticed yet', async () => {
    const v = stack.varnish.base;
    await publish(stack, 'Harbour ferry timetable changes', 'transport');
    await purgesSent(stack);
    const feeds = [`${v}/feeds/categories/transport.rss`, `${v}/feeds/all.json`];
    const fresh = await Promise.all(feeds.map((url) => ask(url)));
    for (const a of fresh) assert.equal(a.status, 200);
    const stopped = performance.now();
    await stack.wirefeed.stop();
    // First as if the probe had not noticed: the fetch is tried, fails, and the copy is served.
    await stack.varnish.adm(['backend.set_health', 'boot.wirefeed', 'healthy']);
    await sleep(Math.max(0, 2500 - (performance.now() - stopped)));
    const viaFailedFetch = await ask(feeds[0]!);
    assert.equal(viaFailedFetch.status, 200);
    assert.equal(viaFailedFetch.headers.etag, fresh[0]!.headers.etag);
    assert.equal(viaFailedFetch.headers['x-cache'], 'HIT');
    assert.ok(Number(viaFailedFetch.headers.age) >= 2, `Age ${String(viaFailedFetch.headers.age)}: past max-age and stale-while-revalidate`);
    // Then with the probe's verdict.
    await stack.varnish.adm(['backend.set_health', 'boot.wirefeed', 'auto']);
    const deadline = Date.now() + 10_000;
    while (!/\bsick\b/.test(await stack.varnish.adm(['backend.list']))) {
      assert.ok(Date.now() < deadline, 'the probe finds wirefeed down');
      await sleep(100);
    }
    const viaProbe = await ask(feeds[1]!);
    assert.equal(viaProbe.status, 200);
    assert.equal(viaProbe.headers.etag, fresh[1]!.headers.etag);
    assert.match(text(viaProbe), /Harbour ferry timetable changes/);
    // What was never cached has no copy to fall back on.
    assert.equal((await ask(`${v}/feeds/categories/climate.rss`)).status, 503);
  });
});
