#!/usr/bin/env node
// npm run compare:feedparser -- <folder>
// Runs our preparation (dist/src/ingest/prepare/feed.js prepareDocument, so
// run after `npm run build`) and the Universal Feed Parser (Debian's
// python3-feedparser, one python process for the whole folder; with
// python3-chardet installed it detects undeclared encodings, as we do) over
// every file in a folder and prints the agreement line of issue 17. Links are
// compared after our documented clean-up (canonicalUrl: absolute, no
// fragment, no tracking parameters) applied to both sides; dates as the same
// instant within 1 s; titles with white space collapsed, and again as text:
// ours is plain text already, feedparser's is stripped of markup and
// entities when it says its title is HTML (title_detail.type), and kept as
// it is when it says text/plain.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const folder = process.argv[2];
const TIMEOUT_MS = Number(process.env.COMPARE_TIMEOUT_MS ?? 10_000);
if (!folder) {
  console.error('usage: npm run compare:feedparser -- <folder of feeds>');
  process.exit(2);
}
const files = readdirSync(folder).map((f) => join(folder, f)).filter((f) => statSync(f).isFile()).sort();
const BASE = 'https://corpus.example/feeds/';
const NOW = new Date('2100-01-01T00:00:00Z');

// ---- feedparser: the first python3 that can import it (pyenv's may not; Debian's /usr/bin/python3 can).
function findPython() {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import feedparser'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return undefined;
}
const python = findPython();
if (!python) {
  console.error('compare:feedparser: python3-feedparser is missing (no python3 on PATH nor /usr/bin/python3 can import feedparser).');
  console.error('Install it: apt-get install -y python3-feedparser');
  process.exit(3);
}
const fp = JSON.parse(
  execFileSync(python, [join(root, 'scripts', 'feedparser-dump.py'), String(Math.ceil(TIMEOUT_MS / 1000)), BASE], {
    input: files.join('\n'),
    maxBuffer: 1 << 30,
  }).toString(),
);

// ---- ours: one worker thread at a time, replaced when a file takes too long.
const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { readFileSync } = await import('node:fs');
  const { prepareDocument } = await import(workerData.prepare);
  const { loadConfig } = await import(workerData.config);
  const cfg = loadConfig({ WIREFEED_CONFIG: workerData.configPath, WIREFEED_DB: ':memory:' });
  parentPort.on('message', async ({ file, name }) => {
    const source = { slug: 'compare', name: 'Compare', url: workerData.base + name, categories: [], everyMinutes: 15, id: 1, errorCount: 0, origin: 'config' };
    try {
      const feed = await prepareDocument(cfg, source, readFileSync(file), undefined, new Date(workerData.now));
      parentPort.postMessage({ items: feed.drafts.map((d) => ({ title: d.title, link: d.url, date: d.publishedAt.getTime() })), problems: feed.problems });
    } catch (err) {
      parentPort.postMessage({ refused: String(err && err.message), internal: !/^(ParseError|DecodeError)$/.test(err && err.name) });
    }
  });
  parentPort.postMessage({ ready: true });
})();`;
const url = (p) => new URL(`file://${join(root, 'dist', 'src', p)}`).href;
let worker;
function startWorker() {
  worker = new Worker(workerCode, {
    eval: true,
    workerData: { prepare: url('ingest/prepare/feed.js'), config: url('config/config.js'), configPath: join(root, 'config', 'default.yaml'), base: BASE, now: NOW.toISOString() },
  });
  return new Promise((ok) => worker.once('message', ok));
}
function ours(file) {
  return new Promise((ok) => {
    const timer = setTimeout(() => {
      worker.removeAllListeners('message');
      worker.terminate();
      worker = undefined;
      ok({ hang: true });
    }, TIMEOUT_MS);
    worker.once('message', (m) => {
      clearTimeout(timer);
      worker.removeAllListeners('error');
      ok(m);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      worker = undefined;
      ok({ crash: String(err) });
    });
    worker.postMessage({ file, name: file.split('/').pop() });
  });
}

const { canonicalUrl, plainText } = await import(url('ingest/clean/normalize.js'));
const space = (t) => (t ?? '').replace(/\s+/g, ' ').trim();
const title = (t) => (t === '(untitled)' ? '' : space(t));
const stripped = (t) => space(plainText(t) ?? '');

let refused = 0, crashes = 0, compared = 0, countOk = 0;
const t = { n: 0, ok: 0, okStripped: 0 }, l = { n: 0, ok: 0 }, d = { n: 0, ok: 0 };
const detail = [];
for (const file of files) {
  if (!worker) await startWorker();
  const name = file.split('/').pop();
  const mine = await ours(file);
  const theirs = fp[file] ?? {};
  if (mine.hang || mine.crash || mine.internal) {
    crashes++;
    detail.push(`${name}: ${mine.hang ? 'hang' : 'crash'} ${mine.crash ?? mine.refused ?? ''}`);
  }
  if (!theirs.items || theirs.timeout || theirs.crash) continue; // feedparser itself failed: nothing to compare with
  // feedparser found no feed format and no entries (JSON Feed, which 6.0.x does not read; a page that is no feed): nothing to compare.
  if (!theirs.version && theirs.items.length === 0) continue;
  if (mine.refused !== undefined || mine.hang || mine.crash) {
    if (theirs.bozo === 0) {
      refused++;
      detail.push(`${name}: refused, feedparser reads it cleanly: ${mine.refused ?? ''}`);
    }
    continue;
  }
  compared++;
  if (mine.items.length === theirs.items.length) countOk++;
  else detail.push(`${name}: ${mine.items.length} items, feedparser ${theirs.items.length}`);
  const base = BASE + name;
  theirs.items.forEach((want, i) => {
    const got = mine.items[i];
    if (!got) return;
    t.n++;
    if (title(got.title) === space(want.title)) t.ok++;
    else detail.push(`${name} #${i}: title ${JSON.stringify(got.title)}, feedparser ${JSON.stringify(want.title)}`);
    const theirText = want.title_type === 'text/plain' ? space(want.title) : stripped(want.title);
    if (title(got.title) === theirText) t.okStripped++;
    else detail.push(`${name} #${i}: title as text ${JSON.stringify(title(got.title))}, feedparser ${JSON.stringify(theirText)}`);
    l.n++;
    const theirLink = canonicalUrl(want.link ?? undefined, base);
    // Without a link of its own, our item points at the fallback base; count it as agreeing with no link.
    if (theirLink === undefined ? true : got.link === theirLink) l.ok++;
    else detail.push(`${name} #${i}: link ${got.link}, feedparser ${theirLink}`);
    d.n++;
    const mineDate = got.date === NOW.getTime() ? null : got.date;
    const theirDate = want.date === null ? null : want.date * 1000;
    if (mineDate === theirDate || (mineDate !== null && theirDate !== null && Math.abs(mineDate - theirDate) <= 1000)) d.ok++;
    else detail.push(`${name} #${i}: date ${mineDate === null ? null : new Date(mineDate).toISOString()}, feedparser ${theirDate === null ? null : new Date(theirDate).toISOString()}`);
  });
}
await worker?.terminate();
const pct = (a, n) => (n ? `${((100 * a) / n).toFixed(1)}%` : 'n/a');
if (process.env.COMPARE_VERBOSE) for (const line of detail) console.log(line);
console.log(`${files.length} files in ${folder}, feedparser ${fp.__version__} (${python}), ${compared} compared item by item`);
console.log(
  `files refused that feedparser reads cleanly (bozo = 0): ${refused} | crashes or hangs: ${crashes} | item-count agreement: ${pct(countOk, compared)} | ` +
    `title agreement: ${pct(t.ok, t.n)} (${pct(t.okStripped, t.n)} as text: feedparser's HTML titles stripped) | link agreement: ${pct(l.ok, l.n)} | date agreement: ${pct(d.ok, d.n)}`,
);
