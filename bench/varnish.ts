// Behind Varnish (issue 20): `wirefeed serve` with the demo configuration
// behind varnishd running deploy/varnish/wirefeed.vcl, the serve purging it
// (edge.purgers), under a polling load of many keep-alive clients (poller.ts,
// a process of its own) over every advertised feed in all three formats,
// while an article is published through the admin API every few seconds.
// Measured: what the clients asked, what reached wirefeed (varnishstat's
// backend requests, and wirefeed's own request counts), the hit ratio, how
// long after each commit the change was served through Varnish, and that a
// feed no change touched stayed in the cache the whole time.
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath } from '../src/config/config.js';
import { freePort, machineBusySeconds, treeCpuSeconds } from './child.js';
import { get } from './http.js';
import type { PollJob, PollResult } from './poller.js';
import { findVarnishd, startVarnish, startWirefeed, type Varnish, type Wirefeed } from './varnish-stack.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface VarnishOptions {
  seconds: number;
  connections: number;
  /** Seconds between two articles published. */
  publishEvery: number;
  progress(line: string): void;
}

export interface Publish {
  category: string;
  /** From the admin API's 201 (the change is committed before it answers) to the first answer through Varnish that shows it. */
  visibleMs: number;
  /** Requests the publisher sent through Varnish to see it. */
  polls: number;
}

export interface VarnishResult {
  varnish: string;
  connections: number;
  feeds: number;
  load: PollResult;
  /** varnishstat's MAIN counters over the load window (differences). */
  counters: Record<string, number>;
  /** Requests wirefeed answered over the window, feeds only, by its own /metrics. */
  originFeedRequests: number;
  purges: { ok: number; failed: number; keys: number };
  publishes: Publish[];
  /** Requests the publisher sent through Varnish to see its changes (in the counters, not in `load`). */
  checkRequests: number;
  unrelated: { path: string; before: Snapshot; after: Snapshot };
  /** CPU over the window, in cores: varnishd (both processes), the serve, the pollers, this process (publishing and checking), and the rest of the machine. */
  cores: { varnish: number; wirefeed: number; poller: number; bench: number; others: number };
}

interface Snapshot {
  cache: string;
  etag: string;
  age: number;
}

export async function benchVarnish(options: VarnishOptions): Promise<VarnishResult | { skipped: string }> {
  const varnishd = findVarnishd();
  if (!varnishd) return { skipped: 'varnishd is not installed (Debian: apt-get install varnish)' };
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-varnish-'));
  const token = randomBytes(16).toString('hex');
  let varnish: Varnish | undefined;
  let wirefeed: Wirefeed | undefined;
  let poller: ChildProcess | undefined;
  try {
    const servePort = await freePort();
    varnish = await startVarnish({ varnishd, backendPort: servePort, memory: '64m' });
    const config = writeConfig(dir, varnish.port, token);
    options.progress('varnish: serve with the demo configuration, ingesting the demo sources');
    wirefeed = await startWirefeed({ config, db: join(dir, 'wirefeed.db'), port: servePort, logFile: join(dir, 'serve.log') });
    await settled(wirefeed, varnish);
    const paths = await feedPaths(wirefeed);
    const categories = (await categoriesInUse(wirefeed)).filter((c) => c !== 'sports');
    const unrelatedPath = '/feeds/categories/sports.rss';
    // Every feed once through Varnish (each now cached), and the unrelated one twice.
    for (const path of paths) await get(`${varnish.base}${path}`, { 'accept-encoding': 'gzip' });
    await get(`${varnish.base}${unrelatedPath}`);
    const unrelatedBefore = await snapshot(varnish, unrelatedPath);

    options.progress(`varnish: ${options.connections} clients polling ${paths.length} feeds for ${options.seconds} s, an article every ${options.publishEvery} s`);
    const counters = await varnish.stats();
    const metrics = await originMetrics(wirefeed);
    const cpu = { varnish: treeCpuSeconds(varnish.pid), wirefeed: treeCpuSeconds(wirefeed.process.pid!), machine: machineBusySeconds(), bench: process.cpuUsage() };
    const pollers = fork(join(here, 'poller.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    poller = pollers;
    const pollerCpu = { at: 0 };
    const job: PollJob = { base: varnish.base, paths, connections: options.connections, seconds: options.seconds, conditionalShare: 0.3, gzipShare: 0.8 };
    const loaded = new Promise<PollResult>((resolveLoad, reject) => {
      pollers.once('message', (m) => {
        pollerCpu.at = treeCpuSeconds(pollers.pid!);
        resolveLoad(m as PollResult);
      });
      pollers.once('exit', (code) => reject(new Error(`bench: poller.js exited with ${code} before reporting`)));
    });
    const started = performance.now();
    pollers.send(job);
    const publishes: Publish[] = [];
    let checkRequests = 0;
    // The first publish after two seconds of load, the last one at least three seconds before it ends.
    const count = Math.max(1, Math.floor((options.seconds - 5) / options.publishEvery) + 1);
    for (let k = 1; k <= count; k++) {
      await sleepUntil(started + (2 + (k - 1) * options.publishEvery) * 1000);
      const category = categories[k % categories.length]!;
      const published = await publishAndWatch(wirefeed, varnish, token, category, k);
      publishes.push(published);
      checkRequests += published.polls;
    }
    const load = await loaded;
    const seconds = (performance.now() - started) / 1000;
    const used = cores(seconds, {
      varnish: treeCpuSeconds(varnish.pid) - cpu.varnish,
      wirefeed: treeCpuSeconds(wirefeed.process.pid!) - cpu.wirefeed,
      poller: pollerCpu.at,
      bench: (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu.bench)),
      machine: machineBusySeconds() - cpu.machine,
    });
    // Varnish's worker threads add their counts to the totals now and then (thread_stats_rate): a moment for the last ones.
    await sleep(1000);
    const after = await varnish.stats();
    const metricsAfter = await originMetrics(wirefeed);
    const unrelatedAfter = await snapshot(varnish, unrelatedPath);
    return {
      varnish: (await varnish.adm(['banner'])).match(/varnish-[\d.]+/)?.[0] ?? 'varnish',
      connections: options.connections,
      feeds: paths.length,
      load,
      counters: Object.fromEntries(
        Object.keys(after).filter((k) => k.startsWith('MAIN.')).map((k) => [k.slice(5), (after[k] ?? 0) - (counters[k] ?? 0)]),
      ),
      originFeedRequests: metricsAfter.feedRequests - metrics.feedRequests,
      purges: {
        ok: metricsAfter.purgesOk - metrics.purgesOk,
        failed: metricsAfter.purgesFailed - metrics.purgesFailed,
        keys: metricsAfter.purgedKeys - metrics.purgedKeys,
      },
      publishes,
      checkRequests,
      unrelated: { path: unrelatedPath, before: unrelatedBefore, after: unrelatedAfter },
      cores: used,
    };
  } finally {
    if (poller && poller.exitCode === null) poller.kill();
    await wirefeed?.stop();
    await varnish?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds over the window as cores; "others" is what the machine did besides. */
function cores(seconds: number, used: { varnish: number; wirefeed: number; poller: number; bench: number; machine: number }): VarnishResult['cores'] {
  const ours = used.varnish + used.wirefeed + used.poller + used.bench;
  return {
    varnish: used.varnish / seconds,
    wirefeed: used.wirefeed / seconds,
    poller: used.poller / seconds,
    bench: used.bench / seconds,
    others: Math.max(0, used.machine - ours) / seconds,
  };
}

/** The demo configuration, its paths made absolute, one process, purging Varnish; no scheduled ingest during the run. */
function writeConfig(dir: string, varnishPort: number, token: string): string {
  const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, Record<string, unknown> & unknown[]>;
  const configDir = dirname(defaultConfigPath);
  config.sources = (config.sources as unknown as Record<string, string>[]).map((s) => ({
    ...s,
    ...(s.file ? { file: resolve(configDir, s.file) } : {}),
    ...(s.articles ? { articles: resolve(configDir, s.articles) } : {}),
  })) as never;
  config.server = { ...config.server, readers: 1 } as never;
  config.ingest = { ...config.ingest, on_start: true, schedule: '0 0 1 1 *' } as never;
  config.admin = { token } as never;
  config.edge = { purgers: [{ url: `http://127.0.0.1:${varnishPort}/` }] } as never;
  const path = join(dir, 'config.yaml');
  writeFileSync(path, stringifyYaml(config));
  return path;
}

/** Until the demo ingest has stored everything (the article count holds for a second), Varnish reaches the serve, and no purge is queued. */
async function settled(wirefeed: Wirefeed, varnish: Varnish): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = -1;
  let since = Date.now();
  for (;;) {
    if (Date.now() > deadline) throw new Error('bench: the demo ingest did not settle within 60 s');
    const items = (JSON.parse((await get(`${wirefeed.base}/feeds/all.json`)).body.toString()) as { items: unknown[] }).items.length;
    if (items !== last) [last, since] = [items, Date.now()];
    const reachable = (await get(`${varnish.base}/healthz`)).status === 200;
    const queue = /^wirefeed_edge_purge_queue_keys (\d+)$/m.exec((await get(`${wirefeed.base}/metrics`)).body.toString())?.[1];
    if (items > 0 && Date.now() - since > 1000 && reachable && queue === '0') return;
    await sleep(100);
  }
}

/** Every feed the OPML list advertises (all, categories in use, sources, tags), in RSS, Atom and JSON. */
async function feedPaths(wirefeed: Wirefeed): Promise<string[]> {
  const opml = (await get(`${wirefeed.base}/opml`)).body.toString();
  const rss = [...opml.matchAll(/xmlUrl="([^"]+)\.rss"/g)].map((m) => new URL(m[1]!).pathname);
  return [...new Set(rss)].flatMap((p) => ['rss', 'atom', 'json'].map((f) => `${p}.${f}`));
}

async function categoriesInUse(wirefeed: Wirefeed): Promise<string[]> {
  const opml = (await get(`${wirefeed.base}/opml`)).body.toString();
  return [...new Set([...opml.matchAll(/\/feeds\/categories\/([a-z0-9-]+)\.rss/g)].map((m) => m[1]!))];
}

/**
 * Publishes article K into CATEGORY through the admin API, then asks
 * Varnish for the category's JSON feed every 10 ms until it shows it. The
 * title is words no other story has, so that relate links it to none (a
 * related link would purge that story's feeds too).
 */
async function publishAndWatch(wirefeed: Wirefeed, varnish: Varnish, token: string, category: string, k: number): Promise<Publish> {
  const word = () => randomBytes(6).toString('base64url').replace(/[^a-z]/gi, '').toLowerCase() || 'zq';
  const title = `${word()} ${word()} ${word()} ${word()}`;
  const res = await fetch(`${wirefeed.base}/admin/articles`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title,
      url: `https://demodesk.example/news/bench-${k}-${randomBytes(4).toString('hex')}`,
      summary: `${word()} ${word()} ${word()}.`,
      content_html: `<p>${word()} ${word()}.</p>`,
      categories: [category],
      published: new Date().toISOString(),
    }),
  });
  if (res.status !== 201) throw new Error(`bench: POST /admin/articles answered ${res.status}: ${await res.text()}`);
  const committed = performance.now();
  let polls = 0;
  for (;;) {
    polls++;
    const answer = await get(`${varnish.base}/feeds/categories/${category}.json`);
    if (answer.body.toString().includes(title)) return { category, visibleMs: performance.now() - committed, polls };
    if (performance.now() - committed > 30_000) throw new Error(`bench: "${title}" not visible through Varnish after 30 s`);
    await sleep(10);
  }
}

async function snapshot(varnish: Varnish, path: string): Promise<Snapshot> {
  const answer = await get(`${varnish.base}${path}`);
  return { cache: String(answer.headers['x-cache']), etag: String(answer.headers.etag), age: Number(answer.headers.age) };
}

/** Feed requests wirefeed answered, and its purges, from its /metrics. */
async function originMetrics(wirefeed: Wirefeed): Promise<{ feedRequests: number; purgesOk: number; purgesFailed: number; purgedKeys: number }> {
  const text = (await get(`${wirefeed.base}/metrics`)).body.toString();
  const sum = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((total, m) => total + Number(m[1]), 0);
  return {
    feedRequests: sum(/^wirefeed_http_requests_total\{[^}]*route="\/feeds\/[^}]*\} (\d+)$/gm),
    purgesOk: sum(/^wirefeed_edge_purge_requests_total\{[^}]*outcome="ok"[^}]*\} (\d+)$/gm),
    purgesFailed: sum(/^wirefeed_edge_purge_requests_total\{[^}]*outcome="failed"[^}]*\} (\d+)$/gm),
    purgedKeys: sum(/^wirefeed_edge_purged_keys_total\{[^}]*outcome="ok"[^}]*\} (\d+)$/gm),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sleepUntil = (at: number) => sleep(Math.max(0, at - performance.now()));
