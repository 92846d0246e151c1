// Readers and the writer (issue 16): `wirefeed serve` itself, as an operator
// runs it (node dist/src/main.js serve, in child processes, every process it
// starts watched through /proc), over a copy of an archive, with 200
// loopback feeds of 50 items (feed-server.ts) as its only sources.
//   1. Serving while ingesting: requests at a fixed rate to a warm feed and
//      to /healthz (paced.ts, in this process), first with the serve idle,
//      then for exactly as long as an ingest of the 10,000 new items asked
//      for with POST /admin/ingest runs (its answer comes when it has ended).
//   2. A second process writing: the feeds publish 10,000 newer items and
//      `wirefeed ingest --once` runs next to the serve on the same database,
//      under the same fixed-rate requests, from its start to its exit.
//   3. N readers vs one: warm feed throughput (autocannon, as many requests
//      as it can, load.ts) of `serve --readers 1` and `serve --readers 2`,
//      both running, measured in alternating slices.
// Each phase also records the event loop delay the serve reports in
// /metrics (prom-client's histogram is reset by each scrape, so a scrape as
// the phase begins and one as it ends cover just the phase; with readers,
// the primary adds up every process's: the max is the largest, the p99 the
// mean of theirs) and the resident memory and CPU of every process of the
// serve.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath } from '../src/config/config.js';
import { packageRoot } from '../src/paths.js';
import { type Child, cpuSeconds, freePort, machineBusySeconds, memory, processTree, serveFlags, startChild } from './child.js';
import { get } from './http.js';
import { type LoadResult, measure } from './load.js';
import { type PacedResult, type PacedTarget, startPaced } from './paced.js';
import { FEED_PATH } from './serving.js';

const mainScript = join(packageRoot, 'dist', 'src', 'main.js');

export interface ReadersOptions {
  /** A generated archive; it is copied, so the run writes nothing to it. */
  archivePath: string;
  articles: number;
  feeds: number;
  itemsPerFeed: number;
  /** Of the idle phase, and of each throughput measurement per serve. */
  seconds: number;
  /** Fixed rates, requests per second, of the feed and of /healthz. */
  feedRate: number;
  healthRate: number;
  connections: number;
  /** Extra node flags for the serve of parts 1 and 2, e.g. --cpu-prof. */
  serveExecArgv: string[];
  progress(line: string): void;
}

/** One process of a serve and its resident memory over a phase. */
export interface ProcessMemory {
  pid: number;
  /** "serve" for the process started, "serve's child" for one it started, "CLI ingest" for the second writer. */
  role: string;
  /** The highest VmRSS sampled (every 100 ms) during the phase. */
  rss: number;
  /** VmHWM as the phase ended: the process's peak since it started, which no sampling can miss. */
  peak: number;
  /** CPU it used during the phase (to its last sample, for one that ended), in cores. */
  cores: number;
  /** Of which its main thread's (where HTTP is answered; the rest is worker threads such as the writer, and V8's). */
  mainThreadCores: number;
}

export interface Phase {
  seconds: number;
  feed: PacedResult;
  health: PacedResult;
  /** Should the serve have ended during the phase: how, how many seconds in, and the end of its log. */
  serveDied?: Omit<ServeDeath, 'at'> & { afterSeconds: number };
  /** The serve's event loop delay over the phase, from /metrics, ms: with readers, the largest max and the mean p99 of every process. */
  lag?: { p99: number; max: number };
  processes: ProcessMemory[];
  /** CPU during the phase, in cores: this process (the request generator), the upstream feed server, and everything else on the machine. */
  generatorCores: number;
  upstreamCores: number;
  otherCores: number;
}

export interface ReadersResult {
  articles: number;
  feeds: number;
  itemsPerFeed: number;
  /** Whether this build's serve takes --readers; parts 1 and 2 run it without, as it starts by default. */
  readersFlag: boolean;
  idle: Phase;
  ingest: Phase & { itemsNew: number; failedSources: string[] };
  cli: Phase & { exitCode: number | null; itemsNew: number; lastLines: string[] };
  /** The serve's log lines of level warn and above during parts 1 and 2, by event: how many, and the first one's message. */
  logProblems: { event: string; count: number; first: string }[];
  /** `two` is undefined when this build's serve has no --readers. */
  scaling: { one: LoadResult; two?: LoadResult; oneProcesses: number; twoProcesses?: number; note?: string };
}

export async function benchReaders(options: ReadersOptions): Promise<ReadersResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-readers-'));
  const db = join(dir, 'readers.db');
  copyFileSync(options.archivePath, db);
  // The archive's imported wire sources point at hosts that do not exist; fetching them would only add DNS failures to the ingest.
  withDb(db, {}, (d) => d.prepare("UPDATE sources SET enabled = 0 WHERE origin = 'opml'").run());
  const upstream = await startChild('feed-server.js', [String(options.feeds), String(options.itemsPerFeed)]);
  const serves: Serve[] = [];
  try {
    const token = randomBytes(16).toString('hex');
    const env = { WIREFEED_CONFIG: writeConfig(dir, upstream.ports), WIREFEED_DB: db, WIREFEED_ADMIN_TOKEN: token };
    const readersFlag = serveHasReaders();
    // Parts 1 and 2 run the serve as it starts by default: one reader per core once --readers exists.
    const serve = await startServe([], env, join(dir, 'serve.log'), options.serveExecArgv);
    serves.push(serve);
    const feedUrl = serve.base + FEED_PATH;
    for (let i = 0; i < 5; i++) await get(feedUrl, { 'accept-encoding': 'gzip' });
    const targets: PacedTarget[] = [
      // gzip, as feed readers ask: the identity body (177 KB at 50 items) would cost the generator, on the same cores, three times the reading.
      { name: 'feed', url: feedUrl, rate: options.feedRate, headers: { 'accept-encoding': 'gzip' } },
      { name: '/healthz', url: `${serve.base}/healthz`, rate: options.healthRate },
    ];

    options.progress(`readers: idle, ${options.seconds} s at ${options.feedRate} + ${options.healthRate} req/s`);
    // Untimed first: the generator's own first requests (new connections, code not yet compiled) ran late by 10-30 ms.
    await phase(serve, upstream, targets, () => sleep(1000));
    const idle = await phase(serve, upstream, targets, () => sleep(options.seconds * 1000));

    options.progress(`readers: during POST /admin/ingest of ${options.feeds} feeds × ${options.itemsPerFeed} items`);
    let answer: IngestAnswer | undefined;
    const ingestPhase = await phase(serve, upstream, targets, async () => {
      answer = await postIngest(serve.base, token);
    });
    const ingest = {
      ...ingestPhase,
      itemsNew: answer!.results.reduce((sum, r) => sum + r.items_new, 0),
      failedSources: answer!.results.filter((r) => r.status === 'error').map((r) => `${r.source}: ${r.error}`),
    };

    options.progress('readers: the feeds publish newer items; `wirefeed ingest --once` next to the serve');
    await nextBatch(upstream);
    const before = countArticles(db);
    let cliRun: CliRun | undefined;
    const cliPhase = await phase(serve, upstream, targets, async (watch) => {
      cliRun = await runCliIngest(env, join(dir, 'cli.log'), watch);
    });
    const cli = { ...cliPhase, exitCode: cliRun!.exitCode, lastLines: cliRun!.lastLines, itemsNew: countArticles(db) - before };
    await serve.stop();
    const logProblems = problemsIn(join(dir, 'serve.log'));

    options.progress(`readers: warm ${FEED_PATH} throughput, ${readersFlag ? '--readers 1 vs --readers 2' : 'one process (this serve has no --readers)'}`);
    const scaling = await throughput(readersFlag, env, dir, serves, options);
    return {
      articles: options.articles,
      feeds: options.feeds,
      itemsPerFeed: options.itemsPerFeed,
      readersFlag,
      idle,
      ingest,
      cli,
      logProblems,
      scaling,
    };
  } finally {
    for (const s of serves) await s.stop();
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Something besides the serve to watch during a phase: the CLI's process. */
export type Watch = (pid: number, role: string) => void;

/** Fixed-rate requests and memory samples for as long as `during` runs, with the event loop delay the serve saw. */
async function phase(serve: Serve, upstream: Child, targets: readonly PacedTarget[], during: (watch: Watch) => Promise<void>): Promise<Phase> {
  // With readers the primary answers /metrics from every process's figures, each collected (so reset) for it.
  await scrapeLag(serve.base);
  const sampler = sampleProcesses(serve.pid);
  const generator = process.cpuUsage();
  const upstreamBefore = cpuSeconds(upstream.pid);
  const machine = machineBusySeconds();
  const paced = startPaced(targets);
  const started = performance.now();
  // Whatever happens to the work measured, the requests in flight are waited for and the sampler stopped.
  const failure = await during(sampler.watch).then(() => undefined, (err: unknown) => err ?? new Error('failed'));
  const seconds = (performance.now() - started) / 1000;
  const [feed, health] = (await paced.stop()) as [PacedResult, PacedResult];
  const processes = sampler.stop(seconds);
  if (failure) throw failure;
  const used = process.cpuUsage(generator);
  const generatorCores = (used.user + used.system) / 1e6 / seconds;
  const upstreamCores = (cpuSeconds(upstream.pid) - upstreamBefore) / seconds;
  const measured = processes.reduce((sum, p) => sum + p.cores, generatorCores + upstreamCores);
  const otherCores = Math.max(0, (machineBusySeconds() - machine) / seconds - measured);
  const died = serve.died && { code: serve.died.code, signal: serve.died.signal, logTail: serve.died.logTail, afterSeconds: (serve.died.at - started) / 1000 };
  return { seconds, feed, health, serveDied: died, lag: await scrapeLag(serve.base), processes, generatorCores, upstreamCores, otherCores };
}

export interface Serve {
  pid: number;
  base: string;
  process: ChildProcess;
  /** Set should the serve end before it is stopped: how, when, and the end of its log. */
  died?: ServeDeath;
  stop(): Promise<void>;
}

export interface ServeDeath {
  code: number | null;
  signal: string | null;
  at: number;
  logTail: string[];
}

/** `wirefeed serve ARGS` on a free port, resolved once /readyz answers 200. Its log (stdout and stderr) goes to `logFile`. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv, logFile: string, execArgv: string[] = []): Promise<Serve> {
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...serveFlags, ...execArgv, mainScript, 'serve', ...args], {
    env: { ...process.env, ...env, WIREFEED_PORT: String(port), WIREFEED_LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (stopping) return;
    const logTail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-12);
    serve.died = { code, signal, at: performance.now(), logTail };
  });
  const base = `http://127.0.0.1:${port}`;
  // The serve runs quick_check over the whole file first: seconds at 100,000 articles.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench: serve ${args.join(' ')} exited with ${child.exitCode} (see ${logFile})`);
    if (Date.now() > deadline) throw new Error(`bench: serve ${args.join(' ')} not ready after 120 s (see ${logFile})`);
    const ready = await get(`${base}/readyz`).then((a) => a.status === 200, () => false);
    if (ready) break;
    await sleep(100);
  }
  const serve: Serve = {
    pid: child.pid!,
    base,
    process: child,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // Its processes, listed before the stop: should the serve be killed, its readers are ended too.
        const tree = processTree(child.pid!);
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          for (const pid of tree) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
        }, 15_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
  return serve;
}

/** Whether this build's serve takes --readers (added by issue 16): its help says so. */
function serveHasReaders(): boolean {
  const help = execFileSync(process.execPath, [mainScript, 'serve', '--help'], { encoding: 'utf8' });
  return help.includes('--readers');
}

/**
 * The demo configuration with the loopback feeds as its only sources; no
 * ingest at start and a schedule that will not fire during the run (the
 * first of January), so that each ingest measured is the one asked for.
 */
function writeConfig(dir: string, ports: readonly number[]): string {
  const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown> & { ingest: Record<string, unknown> };
  config.sources = ports.map((port, i) => ({ slug: `feed-${i + 1}`, name: `Feed ${i + 1} Wire`, url: `http://127.0.0.1:${port}/feed.xml` }));
  config.ingest = { ...config.ingest, on_start: false, schedule: '0 0 1 1 *' };
  const path = join(dir, 'config.yaml');
  writeFileSync(path, stringifyYaml(config));
  return path;
}

interface IngestAnswer {
  results: { source: string; status: string; items_new: number; error: string | null }[];
}

/** POST /admin/ingest of every source; the answer comes when the ingest has ended. */
function postIngest(base: string, token: string): Promise<IngestAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/admin/ingest`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${token}`, 'content-length': '0' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`bench: POST /admin/ingest answered ${res.statusCode}: ${body.slice(0, 300)}`));
        else resolve(JSON.parse(body) as IngestAnswer);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every upstream feed publishes ITEMS newer items (feed-server.ts). */
async function nextBatch(upstream: Child): Promise<void> {
  const done = new Promise<void>((resolve) => upstream.process.once('message', () => resolve()));
  upstream.process.send('next');
  await done;
}

interface CliRun {
  exitCode: number | null;
  /** The end of what it printed: its summary, or its stack trace. */
  lastLines: string[];
}

/** `wirefeed ingest --once` on the serve's configuration and database, to its exit. */
async function runCliIngest(env: NodeJS.ProcessEnv, logFile: string, watch: Watch): Promise<CliRun> {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [mainScript, 'ingest', '--once'], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  closeSync(log);
  watch(child.pid!, 'CLI ingest');
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  // Its per-source table is 200 rows; the lines that say how it went are before and after it.
  return { exitCode, lastLines: [...lines.slice(0, 3), '…', ...lines.slice(-3)] };
}

/** Warm feed throughput with one reader and with two, measured in alternating slices. */
async function throughput(readersFlag: boolean, env: NodeJS.ProcessEnv, dir: string, serves: Serve[], options: ReadersOptions): Promise<ReadersResult['scaling']> {
  const one = await startServe(readersFlag ? ['--readers', '1'] : [], env, join(dir, 'serve-1.log'));
  serves.push(one);
  const two = readersFlag ? await startServe(['--readers', '2'], env, join(dir, 'serve-2.log')) : undefined;
  if (two) serves.push(two);
  const targets = [one, ...(two ? [two] : [])].map((s) => ({ url: s.base + FEED_PATH, pid: s.pid }));
  // Every reader's render cache warm: enough requests that each process has answered some.
  const load = { connections: options.connections };
  await measure(targets, { ...load, seconds: 1, slices: 1 });
  const [oneResult, twoResult] = await measure(targets, { ...load, seconds: options.seconds, slices: 4 });
  return {
    one: oneResult!,
    two: twoResult,
    oneProcesses: processTree(one.pid).length,
    twoProcesses: two && processTree(two.pid).length,
    note: readersFlag ? undefined : 'this build\'s serve has no --readers: only one process measured',
  };
}

/**
 * Samples VmRSS and CPU time of the serve's processes (and of any process
 * watched, with the processes each started) every 100 ms until stopped.
 */
export function sampleProcesses(servePid: number): { watch: Watch; stop(seconds: number): ProcessMemory[] } {
  const seen = new Map<number, ProcessMemory & { cpuFirst: number; cpuLast: number; mainFirst: number; mainLast: number }>();
  const roots = new Map<number, string>([[servePid, 'serve']]);
  // Processes there as the phase begins count their CPU from then; those that start later, all of theirs.
  let begun = false;
  const sample = () => {
    for (const [root, role] of roots) {
      processTree(root).forEach((pid, i) => {
        try {
          const { rss, peak } = memory(pid);
          const cpu = cpuSeconds(pid);
          // Linux numbers a process's main thread with the process id.
          const main = cpuSeconds(pid, pid);
          const entry = seen.get(pid) ?? {
            pid, role: i === 0 ? role : `${role}'s child`, rss: 0, peak: 0, cores: 0, mainThreadCores: 0,
            cpuFirst: begun ? 0 : cpu, cpuLast: cpu, mainFirst: begun ? 0 : main, mainLast: main,
          };
          entry.rss = Math.max(entry.rss, rss);
          // Max, not the last read: a process that has ended but not been reaped reads as 0 kB.
          entry.peak = Math.max(entry.peak, peak);
          entry.cpuLast = cpu;
          entry.mainLast = main;
          seen.set(pid, entry);
        } catch {
          // Ended between the listing and this read.
        }
      });
    }
  };
  sample();
  begun = true;
  const timer = setInterval(sample, 100);
  return {
    watch(pid, role) {
      roots.set(pid, role);
      sample();
    },
    stop(seconds) {
      clearInterval(timer);
      sample();
      return [...seen.values()].map(({ cpuFirst, cpuLast, mainFirst, mainLast, ...p }) => ({
        ...p,
        cores: (cpuLast - cpuFirst) / seconds,
        mainThreadCores: (mainLast - mainFirst) / seconds,
      }));
    },
  };
}

/** The event loop delay since the last scrape, as the serve's /metrics reports it; undefined when it has none. */
export async function scrapeLag(base: string): Promise<Phase['lag']> {
  const answer = await get(`${base}/metrics`).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  const text = answer.body.toString('utf8');
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  const lag = { p99: value('nodejs_eventloop_lag_p99_seconds'), max: value('nodejs_eventloop_lag_max_seconds') };
  return Number.isNaN(lag.p99) ? undefined : lag;
}

/** pino's JSON lines at warn (40) and above, counted by event; other lines (a stack trace on stderr) count as "not JSON". */
export function problemsIn(logFile: string): ReadersResult['logProblems'] {
  const problems = new Map<string, { event: string; count: number; first: string }>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let entry: { level?: number; event?: string; msg?: string; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = { level: 60, event: 'not JSON', msg: line };
    }
    if ((entry.level ?? 0) < 40) continue;
    const event = entry.event ?? '(no event)';
    const seen = problems.get(event) ?? { event, count: 0, first: `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 200) };
    seen.count++;
    problems.set(event, seen);
  }
  return [...problems.values()];
}

function countArticles(path: string): number {
  return withDb(path, { readonly: true }, (d) => (d.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n);
}

export function withDb<T>(path: string, options: Database.Options, use: (db: Database.Database) => T): T {
  const db = new Database(path, { ...options, timeout: 10_000 });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
