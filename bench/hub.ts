// The built-in WebSub hub under load (issue 20): `wirefeed serve` itself
// (node dist/src/main.js serve, default readers: one per core), over a copy
// of an archive, with SUBSCRIBERS subscribers of one feed (the climate
// category's RSS), each its own callback on a loopback server in a child
// process (subscriber-server.ts) that echoes the verifications and checks
// every delivery's signature. Readers are asked for /feeds/all.rss, the
// serving benchmarks' feed, which every publication changes.
//   1. Subscribing: SUBSCRIBERS POST /websub (20 at a time), until every
//      one is verified and active; then one untimed round (below).
//   2. Idle: requests at a fixed rate to the warm feed and to /healthz
//      (paced.ts), nothing else happening.
//   3. ROUNDS times, in turn:
//      - the control: an article published through the admin API in another
//        category, which nobody subscribed to: the same requests for
//        WINDOW_MS from its answer. Every reader renders /feeds/all.rss again
//        after it, hub or not.
//      - delivering: a climate article published, which every subscriber is
//        owed; the same requests from the admin answer until the last
//        delivery has arrived, and at least WINDOW_MS.
//      Measured: the first and the last delivery after the admin answer, the
//      feed's latencies against idle and against the control, and the CPU
//      of every process.
// The subscribers' callbacks are on 127.0.0.1, so the config sets
// websub.allow_private_callbacks, and the limits high enough for them.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath } from '../src/config/config.js';
import { type Child, cpuSeconds, startChild } from './child.js';
import { get } from './http.js';
import { type PacedResult, type PacedTarget, startPaced } from './paced.js';
import { type ProcessMemory, problemsIn, type ReadersResult, sampleProcesses, type Serve, startServe, withDb } from './readers.js';
import { FEED_PATH } from './serving.js';
import { secretOf, type SubscriberStats } from './subscriber-server.js';

export interface HubOptions {
  /** A generated archive; it is copied, so the run writes nothing to it. */
  archivePath: string;
  articles: number;
  subscribers: number;
  rounds: number;
  /** Of the idle window. */
  seconds: number;
  feedRate: number;
  healthRate: number;
  progress(line: string): void;
}

export interface HubRound {
  /** From the admin API's answer to the first and the last delivery's arrival. */
  firstMs: number;
  allMs: number;
  delivered: number;
  badSignatures: number;
  repeated: number;
  /** Bytes of the document delivered to each subscriber. */
  documentBytes: number;
  seconds: number;
  feed: PacedResult;
  health: PacedResult;
  processes: ProcessMemory[];
  subscriberCores: number;
}

export interface HubResult {
  articles: number;
  subscribers: number;
  feedPath: string;
  concurrency: number;
  subscribeSeconds: number;
  idle: Window;
  /** Each round's control: an article nobody's feed shows published, what publishing costs the readers without the hub. */
  controls: Window[];
  rounds: HubRound[];
  logProblems: ReadersResult['logProblems'];
}

export interface Window {
  seconds: number;
  feed: PacedResult;
  health: PacedResult;
  processes: ProcessMemory[];
}

const CONCURRENCY = 16;
/** The feed every subscriber subscribes to: 50 items, like the readers' feed. */
const SUBSCRIBED_PATH = '/feeds/categories/climate.rss';
/** The shortest window after a publication: the control's length, so that the rounds' are alike. */
const WINDOW_MS = 2_000;

export async function benchHub(options: HubOptions): Promise<HubResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-hub-'));
  const db = join(dir, 'hub.db');
  copyFileSync(options.archivePath, db);
  // The archive's imported wire sources point at hosts that do not exist; nothing is ingested here.
  withDb(db, {}, (d) => d.prepare("UPDATE sources SET enabled = 0 WHERE origin = 'opml'").run());
  const subscriberServer = await startChild('subscriber-server.js', []);
  let serve: Serve | undefined;
  try {
    const token = randomBytes(16).toString('hex');
    const env = { WIREFEED_CONFIG: writeConfig(dir, options.subscribers), WIREFEED_DB: db, WIREFEED_ADMIN_TOKEN: token };
    const logFile = join(dir, 'serve.log');
    serve = await startServe([], env, logFile);
    const base = serve.base;
    const topic = `http://localhost:8080${SUBSCRIBED_PATH}`;

    options.progress(`hub: ${options.subscribers} subscribers of ${SUBSCRIBED_PATH}, verified`);
    const started = performance.now();
    await subscribeAll(base, topic, subscriberServer.port, options.subscribers);
    await waitFor(async () => (await activeSubscriptions(base)) >= options.subscribers, 'every subscription verified', 120_000);
    const subscribeSeconds = (performance.now() - started) / 1000;
    // Untimed first, as the other parts warm up: the first admin change and the first deliveries compile their code paths.
    options.progress('hub: an untimed round first');
    await publish(base, token, 'warm-up-control', 'sports');
    await ask(subscriberServer, 'reset');
    await publish(base, token, 'warm-up', 'climate');
    await waitFor(async () => ((await ask(subscriberServer, 'stats')).stats as SubscriberStats).delivered >= options.subscribers, 'the untimed round', 300_000);
    await sleep(1000);

    const feedUrl = base + FEED_PATH;
    for (let i = 0; i < 5; i++) await get(feedUrl, { 'accept-encoding': 'gzip' });
    const targets: PacedTarget[] = [
      { name: 'feed', url: feedUrl, rate: options.feedRate, headers: { 'accept-encoding': 'gzip' } },
      { name: '/healthz', url: `${base}/healthz`, rate: options.healthRate },
    ];
    options.progress(`hub: idle, ${options.seconds} s at ${options.feedRate} + ${options.healthRate} req/s`);
    await window(serve, targets, () => sleep(1000));
    const idle = await window(serve, targets, () => sleep(options.seconds * 1000));
    const rounds: HubRound[] = [];
    const controls: Window[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      options.progress(`hub: round ${round} of ${options.rounds}: control, an article nobody subscribed to`);
      controls.push(
        await window(serve, targets, async () => {
          await publish(base, token, `control-${round}`, 'sports');
          await sleep(WINDOW_MS);
        }),
      );
      await sleep(1000);
      options.progress(`hub: round ${round} of ${options.rounds}: a climate article, ${options.subscribers} deliveries`);
      await ask(subscriberServer, 'reset');
      const subscriberCpu = cpuSeconds(subscriberServer.pid);
      let answeredAt = 0;
      let stats: SubscriberStats | undefined;
      const measured = await window(serve, targets, async () => {
        await publish(base, token, String(round), 'climate');
        answeredAt = Date.now();
        await waitFor(async () => {
          stats = (await ask(subscriberServer, 'stats')).stats as SubscriberStats;
          return stats.delivered >= options.subscribers;
        }, `${options.subscribers} deliveries`, 300_000, 20);
        await sleep(answeredAt + WINDOW_MS - Date.now());
      });
      const s = stats!;
      rounds.push({
        firstMs: (s.firstAt ?? Number.NaN) - answeredAt,
        allMs: (s.lastAt ?? Number.NaN) - answeredAt,
        delivered: s.delivered,
        badSignatures: s.badSignatures,
        repeated: s.repeated,
        documentBytes: Math.round(s.bytes / Math.max(1, s.delivered)),
        seconds: measured.seconds,
        feed: measured.feed,
        health: measured.health,
        processes: measured.processes,
        subscriberCores: (cpuSeconds(subscriberServer.pid) - subscriberCpu) / measured.seconds,
      });
      // Let the writer record its last deliveries and the readers settle before the next round.
      await sleep(1000);
    }
    await serve.stop();
    return {
      articles: options.articles,
      subscribers: options.subscribers,
      feedPath: SUBSCRIBED_PATH,
      concurrency: CONCURRENCY,
      subscribeSeconds,
      idle,
      controls,
      rounds,
      logProblems: problemsIn(logFile),
    };
  } finally {
    await serve?.stop();
    await subscriberServer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fixed-rate requests for as long as `during` runs, with the CPU of the serve's processes. */
async function window(serve: Serve, targets: readonly PacedTarget[], during: () => Promise<void>): Promise<Window> {
  const sampler = sampleProcesses(serve.pid);
  const paced = startPaced(targets);
  const started = performance.now();
  const failure = await during().then(() => undefined, (err: unknown) => err ?? new Error('failed'));
  const seconds = (performance.now() - started) / 1000;
  const [feed, health] = (await paced.stop()) as [PacedResult, PacedResult];
  const processes = sampler.stop(seconds);
  if (failure) throw failure;
  return { seconds, feed, health, processes };
}

/**
 * The demo configuration without sources or schedule (nothing is ingested),
 * a hub that takes this many loopback callbacks, and the base URL the
 * archive's links were generated with.
 */
function writeConfig(dir: string, subscribers: number): string {
  const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown> & { ingest: Record<string, unknown> };
  config.sources = [];
  config.ingest = { ...config.ingest, on_start: false, schedule: '0 0 1 1 *' };
  config.websub = { allow_private_callbacks: true, max_per_host: subscribers, max_subscriptions: subscribers, concurrency: CONCURRENCY };
  const path = join(dir, 'config.yaml');
  writeFileSync(path, stringifyYaml(config));
  return path;
}

/** Every subscriber's subscribe request, 20 at a time. */
async function subscribeAll(base: string, topic: string, port: number, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const form = new URLSearchParams({
        'hub.mode': 'subscribe',
        'hub.topic': topic,
        'hub.callback': `http://127.0.0.1:${port}/cb/${n}`,
        'hub.secret': secretOf(n),
      });
      const answer = await post(`${base}/websub`, { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
      if (answer.status !== 202) throw new Error(`bench: subscribe ${n} answered ${answer.status}: ${answer.body}`);
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
}

async function activeSubscriptions(base: string): Promise<number> {
  const text = (await get(`${base}/metrics`)).body.toString('utf8');
  return Number(/^wirefeed_websub_subscriptions (\d+)$/m.exec(text)?.[1] ?? 0);
}

async function publish(base: string, token: string, name: string, category: string): Promise<void> {
  const article = {
    title: `Hub benchmark story ${name}`,
    summary: `A ${category} story.`,
    content_html: `<p>A ${category} story.</p>`,
    url: `https://bench.example/hub/${name}-${Date.now()}`,
    published: new Date().toISOString(),
    categories: [category],
  };
  const answer = await post(`${base}/admin/articles`, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, JSON.stringify(article));
  if (answer.status !== 201) throw new Error(`bench: POST /admin/articles answered ${answer.status}: ${answer.body}`);
}

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the child a message and resolves with its answer. */
function ask(child: Child, message: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    child.process.once('message', (answer) => resolve(answer as Record<string, unknown>));
    child.process.send(message);
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, ms: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
