// Shared test plumbing: temporary configs and databases, a local server for
// fixture feeds, and the independent parsers feeds are read back with.
import assert from 'node:assert/strict';
import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseFeed as parseWithRowanmanning } from '@rowanmanning/feed-parser';
import Parser from 'rss-parser';
import { loadConfig } from '../src/config/config.js';
import { packageRoot } from '../src/paths.js';
import { type Context, openContext } from '../src/context.js';
import { runIngest } from '../src/ingest/run.js';
import { createLog } from '../src/observe/log.js';
import { listSources } from '../src/store/sources.js';

export const fixturesDir = join(packageRoot, 'test', 'fixtures');
export const demoArticlesDir = join(packageRoot, 'config', 'demo', 'articles');
export const demoConfigPath = join(packageRoot, 'config', 'default.yaml');

export interface TestContext extends Context {
  dir: string;
  close(): void;
}

/** A context on a fresh database in a temporary folder; `configYaml` replaces the demo configuration. */
export function testContext(configYaml?: string, env: NodeJS.ProcessEnv = {}): TestContext {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-test-'));
  let configPath = demoConfigPath;
  if (configYaml !== undefined) {
    configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, configYaml);
  }
  const cfg = loadConfig({ WIREFEED_CONFIG: configPath, WIREFEED_DB: join(dir, 'test.db'), ...env });
  const ctx = openContext(cfg, createLog('silent'));
  return {
    ...ctx,
    dir,
    close() {
      ctx.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The demo configuration on a fresh database, every demo source ingested once, with this base URL. */
export async function demoContext(baseUrl: string): Promise<TestContext> {
  const ctx = testContext(undefined, { WIREFEED_BASE_URL: baseUrl });
  await runIngest(ctx, listSources(ctx.db));
  return ctx;
}

/** A minimal valid configuration around the given sources (YAML list items). */
export function configWithSources(sourcesYaml: string, extra = '', fullTextPublic = true, ingestYaml = ''): string {
  return `site:
  title: Test Desk
  base_url: http://feeds.test
  author: Test Desk
publish:
  full_text_public: ${fullTextPublic}
ingest:
  boilerplate: ["^you must be logged in to post a comment\\\\.?$", "^share this\\\\b"]
${ingestYaml}categories:
  - slug: climate
    label: Climate
    upstream: [Environment]
  - slug: transport
    label: Transport
    upstream: [Transit]
    keywords: [rail strike]
${extra}
sources:
${sourcesYaml}`;
}

export type FixtureRoute = { body: string; type?: string; status?: number } | ((req: IncomingMessage, res: ServerResponse) => void);

export interface FixtureServer {
  url: string;
  routes: Map<string, FixtureRoute>;
  close(): Promise<void>;
}

/** Serves fixture documents on 127.0.0.1 (port 0); routes can be changed while it runs. */
export async function serveFixtures(routes: Record<string, FixtureRoute>): Promise<FixtureServer> {
  const table = new Map(Object.entries(routes));
  const server = createServer((req, res) => {
    const route = table.get(req.url ?? '');
    if (!route) {
      res.writeHead(404).end('not found');
    } else if (typeof route === 'function') {
      route(req, res);
    } else {
      res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/xml' }).end(route.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type RssParserItem = Record<string, unknown> & { title?: string; link?: string; categories?: unknown[] };

/** rss-parser, asked for the elements our feeds add. */
export async function readWithRssParser(xml: string) {
  const parser = new Parser<Record<string, unknown>, RssParserItem>({
    customFields: {
      item: [
        ['atom:link', 'atomLinks', { keepArray: true }],
        ['link', 'links', { keepArray: true }],
        ['category', 'categoryNodes', { keepArray: true }],
        ['media:content', 'media', { keepArray: true }],
        ['source', 'sourceNodes', { keepArray: true }],
      ],
    },
  });
  return parser.parseString(xml);
}

export function readWithFeedParser(xml: string) {
  return parseWithRowanmanning(xml);
}

const run = promisify(execFile);
const feedcheck = process.env.FEEDCHECK ?? join(packageRoot, '..', 'shared', 'tools', 'feedcheck', 'feedcheck');

/**
 * Why shared/tools/feedcheck cannot run here, or undefined when it can. Exit
 * 2 is its own "cannot run" (missing dependencies); a demo feed it rejects
 * (exit 1) still means it runs, and the failure is left to the tests.
 */
export async function feedcheckUnavailable(): Promise<string | undefined> {
  if (!existsSync(feedcheck)) return `feedcheck not found at ${feedcheck}`;
  try {
    await run(feedcheck, ['--quiet', join(packageRoot, 'config', 'demo', 'feeds', 'harbor-wire.rss')], { timeout: 60_000 });
    return undefined;
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return e.code === 1 ? undefined : `feedcheck cannot run here: ${(e.stderr ?? String(err)).trim().split('\n')[0]}`;
  }
}

/** Runs feedcheck on each URL; returns its output for every one that failed. */
export async function feedcheckFailures(urls: string[]): Promise<string[]> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      await run(feedcheck, ['--quiet', '--allow-empty', url], { timeout: 120_000 });
    } catch (err) {
      failures.push(`${url}\n${(err as { stdout?: string }).stdout ?? String(err)}`);
    }
  }
  return failures;
}

/** feedcheck's full report on one URL (every consumer's line, with its item count), passing or not. */
export async function feedcheckReport(url: string): Promise<string> {
  try {
    return (await run(feedcheck, ['--allow-empty', url], { timeout: 120_000 })).stdout;
  } catch (err) {
    return (err as { stdout?: string }).stdout ?? String(err);
  }
}

/**
 * Runs `url` (an RSS, Atom or JSON feed whose body is `body`) through
 * feedcheck and asserts that every consumer passes it and that every one
 * that counts items reads all of them: an extension element must not cost
 * a reader an item.
 */
export async function assertEveryItemRead(url: string, body: string): Promise<void> {
  const format = new URL(url).pathname.split('.').pop();
  const items =
    format === 'json' ? (JSON.parse(body) as { items: unknown[] }).items.length : body.split(format === 'rss' ? '<item>' : '<entry').length - 1;
  const report = await feedcheckReport(url);
  const verdicts = report.split('\n').filter((line) => /^(PASS|FAIL) /.test(line));
  assert.ok(verdicts.length > 0 && verdicts.every((line) => line.startsWith('PASS ')), report);
  const counts = verdicts.map((line) => /\b(\d+) items?\b/.exec(line)?.[1]).filter((n) => n !== undefined);
  assert.deepEqual(new Set(counts), new Set([String(items)]), `${url}\n${report}`);
}

export interface LoopbackServer {
  base: string;
  /** Closes it and its open connections. */
  close(): Promise<void>;
}

/** An app (or any request listener) served on 127.0.0.1, port 0. */
export async function listenOnLoopback(app: RequestListener): Promise<LoopbackServer> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What a run of the real CLI printed and how it ended. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

// The compiled entry beside the compiled tests (dist/src/main.js in `npm test`).
const cliPath = fileURLToPath(new URL('../src/main.js', import.meta.url));

/** Runs `node [...nodeArgs] main.js ...args` with only the WIREFEED_* variables given here. */
export async function runCli(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<CliOutcome> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WIREFEED_') && k !== 'NODE_TEST_CONTEXT'));
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, cliPath, ...args], { env: { ...base, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as ExecFileException & { stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err; // killed by the timeout, or could not start
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Waits until `condition` holds, checking every 10 ms; throws naming `what` after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
