// Where ingest's CPU goes, stage by stage, in CPU time rather than wall time
// (on a shared machine another process's load stretches wall time, not CPU):
//   node dist/bench/cpu-stages.js [FEEDS] [ITEMS]
// The ingest benchmark's documents (every fourth one Atom), fetched once, run
// through the pipeline on this one thread, each stage over every document
// before the next: parse, prepare (normalize, sanitize, classify, hashes,
// relate's words), then per document store, relate and commit as storeFeed
// does. CPU is the process's (this thread and V8's helper threads: GC), per
// item. A diagnostic, not a benchmark with a target.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath, loadConfig } from '../src/config/config.js';
import { openContext } from '../src/context.js';
import { parseFeed } from '../src/ingest/parse/feed.js';
import type { ParsedFeed } from '../src/ingest/parse/parsed.js';
import { type PreparedFeed, prepareFeed } from '../src/ingest/prepare/feed.js';
import { expectArticleText } from '../src/ingest/relate/index.js';
import { relateArticle } from '../src/ingest/relate/relate.js';
import { createLog } from '../src/observe/log.js';
import { saveArticles } from '../src/store/articles/articles.js';
import { listSources } from '../src/store/sources.js';
import { startChild } from './child.js';
import { ATOM_EVERY } from './ingest.js';
import { fetchDocuments } from './parse-floor.js';

const [feeds = 200, items = 50] = process.argv.slice(2).map(Number);
const spent = new Map<string, number>();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function add(stage: string, ms: number) {
  spent.set(stage, (spent.get(stage) ?? 0) + ms);
}

const upstream = await startChild('feed-server.js', [String(feeds), String(items), String(ATOM_EVERY)]);
const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-cpu-'));
try {
  const documents = await fetchDocuments(upstream.ports);
  const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown>;
  config.database = join(dir, 'ingest.db');
  config.sources = upstream.ports.map((port, i) => ({ slug: `feed-${i + 1}`, name: `Feed ${i + 1} Wire`, url: `http://127.0.0.1:${port}/feed.xml` }));
  writeFileSync(join(dir, 'config.yaml'), stringifyYaml(config));
  const cfg = loadConfig({ WIREFEED_CONFIG: join(dir, 'config.yaml') });
  const ctx = openContext(cfg, createLog('info', new Writable({ write: (_c, _e, done) => done() })));
  const sources = listSources(ctx.db);
  // As serve and `wirefeed ingest` run: WAL checkpoints are another thread's (store/db/checkpointer.ts), timed apart here.
  ctx.db.pragma('wal_autocheckpoint = 0');
  // NO_FTS=1: without the full-text index's insert trigger, to tell its share of store and commit.
  if (process.env.NO_FTS) ctx.db.exec('DROP TRIGGER article_search_insert');
  const now = new Date();
  // Parsed twice, the first pass untimed: the code compiled and warm, as in the middle of an ingest.
  for (const xml of documents) await parseFeed(xml);
  let t = cpu();
  const parsed: ParsedFeed[] = [];
  for (const xml of documents) parsed.push(await parseFeed(xml));
  add('parse', cpu() - t);
  t = cpu();
  const prepared: PreparedFeed[] = parsed.map((feed, i) => prepareFeed(cfg, sources[i]!, feed, now));
  add('prepare', cpu() - t);
  let count = 0;
  prepared.forEach((p, i) => {
    const source = sources[i]!;
    const begin = cpu();
    let stored = 0;
    let related = 0;
    ctx.db.transaction(() => {
      let at = cpu();
      const saved = saveArticles(ctx.db, source.id, p.drafts, now);
      saved.forEach(({ id }, j) => expectArticleText(ctx.db, id, p.drafts[j]!.title, p.drafts[j]!.summary, p.drafts[j]!.publishedAt.getTime(), p.relateTexts[j]!));
      stored = cpu() - at;
      at = cpu();
      saved
        .map((s, j) => ({ id: s.id, publishedAt: p.drafts[j]!.publishedAt.getTime() }))
        .sort((a, b) => a.publishedAt - b.publishedAt || a.id - b.id)
        .forEach((a) => relateArticle(ctx.db, a.id));
      related = cpu() - at;
    }).immediate();
    add('store', stored);
    add('relate', related);
    add('begin, commit', cpu() - begin - stored - related);
    count += p.drafts.length;
  });
  t = cpu();
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  add('checkpoint (once, at the end)', cpu() - t);
  ctx.db.close();
  const total = [...spent.values()].reduce((a, b) => a + b, 0);
  console.log(`| stage | CPU µs/item | share |\n| --- | ---: | ---: |`);
  for (const [stage, ms] of spent) console.log(`| ${stage} | ${((ms * 1000) / count).toFixed(0)} | ${((100 * ms) / total).toFixed(0)} % |`);
  console.log(`| total | ${((total * 1000) / count).toFixed(0)} | ${count} items, ${(count / (total / 1000)).toFixed(0)} items per CPU second |`);
} finally {
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
}
