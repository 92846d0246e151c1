// Serving: /feeds/all.rss from the real app against a bare node:http server
// that answers the same bytes with the same headers, under the same load, in
// the same run. Both servers run in child processes of their own (one core);
// autocannon runs here (the other core).
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath } from '../src/config/config.js';
import { type Child, serveFlags, startChild } from './child.js';
import { type Answer, countItems, get } from './http.js';
import { type LoadResult, measure } from './load.js';
import type { Recorded, Recording } from './server.js';

export const FEED_PATH = '/feeds/all.rss';

export interface ServingOptions {
  /** A generated archive; it is copied, so the run writes nothing to it. */
  archivePath: string;
  /** Per server and answer, in `slices` alternating slices. */
  seconds: number;
  slices: number;
  warmupSeconds: number;
  connections: number;
  /** Extra node flags for the app's process, e.g. --cpu-prof. */
  appExecArgv: string[];
  progress(line: string): void;
}

export interface ServingCase {
  name: string;
  status: number;
  bytes: number;
  app: LoadResult;
  /** The app with its log level at warn: no line per request. What the request log costs. */
  quiet: LoadResult;
  bare: LoadResult;
  ratio: number;
  /** The lowest and highest app / bare ratio of a slice and its neighbour (the slices alternate, A B, B A …). */
  sliceRatios: [number, number];
}

export interface ServingResult {
  items: number;
  cases: ServingCase[];
}

/** Headers Node sets by itself on every answer; the bare server lets it. */
const perConnection = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

export async function benchServing(options: ServingOptions): Promise<ServingResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-serving-'));
  const children: Child[] = [];
  try {
    const db = join(dir, 'serving.db');
    copyFileSync(options.archivePath, db);
    // The configured log level (info: a line per request) into a file, as a service's log goes somewhere.
    const app = await startChild('server.js', ['app'], {
      env: { WIREFEED_CONFIG: defaultConfigPath, WIREFEED_DB: db },
      execArgv: [...serveFlags, ...options.appExecArgv],
      logFile: join(dir, 'app.log'),
    });
    children.push(app);
    const appUrl = `http://127.0.0.1:${app.port}${FEED_PATH}`;

    const identity = await get(appUrl);
    if (identity.status !== 200) throw new Error(`bench: ${FEED_PATH} answered ${identity.status}`);
    const etag = String(identity.headers.etag);
    const cases = [
      { name: 'feed, identity', headers: {} as Record<string, string>, answer: identity },
      { name: 'feed, gzip', headers: { 'accept-encoding': 'gzip' }, answer: await get(appUrl, { 'accept-encoding': 'gzip' }) },
      { name: '304 (If-None-Match)', headers: { 'if-none-match': etag }, answer: await get(appUrl, { 'if-none-match': etag }) },
    ];
    const recording: Recording = { identity: record(cases[0]!.answer), gzip: record(cases[1]!.answer), notModified: record(cases[2]!.answer) };
    const recordingPath = join(dir, 'recording.json');
    writeFileSync(recordingPath, JSON.stringify(recording));
    const bare = await startChild('server.js', ['bare', recordingPath]);
    children.push(bare);
    const bareUrl = `http://127.0.0.1:${bare.port}${FEED_PATH}`;
    for (const c of cases) assertSameAnswer(c.answer, await get(bareUrl, c.headers), c.name);
    const quiet = await startChild('server.js', ['app'], {
      env: { WIREFEED_CONFIG: defaultConfigPath, WIREFEED_DB: db, WIREFEED_LOG_LEVEL: 'warn' },
      execArgv: serveFlags,
      logFile: join(dir, 'quiet.log'),
    });
    children.push(quiet);
    const quietUrl = `http://127.0.0.1:${quiet.port}${FEED_PATH}`;
    for (const c of cases) assertSameAnswer(c.answer, await get(quietUrl, c.headers), c.name);

    const targets = [{ url: appUrl, pid: app.pid }, { url: quietUrl, pid: quiet.pid }, { url: bareUrl, pid: bare.pid }];
    const results: ServingCase[] = [];
    for (const c of cases) {
      options.progress(`serving: ${c.name}`);
      const load = { headers: c.headers, connections: options.connections };
      await measure(targets, { ...load, seconds: options.warmupSeconds, slices: 1 });
      const [appResult, quietResult, bareResult] = (await measure(targets, { ...load, seconds: options.seconds, slices: options.slices })) as [
        LoadResult,
        LoadResult,
        LoadResult,
      ];
      results.push({
        name: c.name,
        status: c.answer.status,
        bytes: c.answer.body.length,
        app: appResult,
        quiet: quietResult,
        bare: bareResult,
        ratio: appResult.requestsPerSecond / bareResult.requestsPerSecond,
        sliceRatios: spread(appResult.sliceRates.map((rate, i) => rate / bareResult.sliceRates[i]!)),
      });
    }
    return { items: countItems(identity.body.toString('utf8')), cases: results };
  } finally {
    for (const child of children) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function spread(values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

function record(answer: Answer): Recorded {
  const headers: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(answer.headers)) if (!perConnection.has(key) && value !== undefined) headers[key] = value;
  return { status: answer.status, headers, body: answer.body.toString('base64') };
}

/** The ceiling is only a ceiling if it sends what the app sends. */
function assertSameAnswer(app: Answer, bare: Answer, name: string): void {
  const strip = (a: Answer) => JSON.stringify(Object.entries(record(a).headers).sort());
  if (app.status !== bare.status || !app.body.equals(bare.body) || strip(app) !== strip(bare)) {
    throw new Error(`bench: the bare server's answer for "${name}" differs from the app's`);
  }
}
