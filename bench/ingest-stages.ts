// Where ingest's time goes: the ingest benchmark's feeds run through the
// pipeline one stage at a time, on one core, each stage timed on its own.
//   node dist/bench/ingest-stages.js [FEEDS] [ITEMS]
// Prints microseconds per item for fetch, parse, normalize, sanitize,
// classify, store (saveArticles with its FTS index and triggers) and relate.
// A diagnostic, not a benchmark with a target: runIngest overlaps fetches
// with work and may spread work over cores, which this leaves out on purpose.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultConfigPath, loadConfig } from '../src/config/config.js';
import { openContext } from '../src/context.js';
import { classify } from '../src/ingest/classify/classify.js';
import { decodeBody } from '../src/ingest/parse/decode/decode.js';
import { fetchFeed } from '../src/ingest/fetch/fetch.js';
import { excerpt, normalizeEntry } from '../src/ingest/clean/normalize.js';
import { parseFeed } from '../src/ingest/parse/feed.js';
import { explicitRelated, relateArticle } from '../src/ingest/relate/relate.js';
import { sanitizeContent } from '../src/ingest/clean/sanitize.js';
import { createLog } from '../src/observe/log.js';
import type { ArticleDraft } from '../src/model.js';
import { saveArticles } from '../src/store/articles/articles.js';
import { listSources } from '../src/store/sources.js';
import { startChild } from './child.js';

const [feeds = 200, items = 50] = process.argv.slice(2).map(Number);
const stages = ['fetch', 'parse', 'normalize', 'sanitize', 'classify', 'store', 'relate'] as const;
const spent = new Map<string, number>(stages.map((s) => [s, 0]));
function timed<T>(stage: (typeof stages)[number], work: () => T): T {
  const t = performance.now();
  try {
    return work();
  } finally {
    spent.set(stage, spent.get(stage)! + performance.now() - t);
  }
}

const upstream = await startChild('feed-server.js', [String(feeds), String(items)]);
const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-stages-'));
try {
  const config = parseYaml(readFileSync(defaultConfigPath, 'utf8')) as Record<string, unknown>;
  config.database = join(dir, 'ingest.db');
  config.sources = upstream.ports.map((port, i) => ({ slug: `feed-${i + 1}`, name: `Feed ${i + 1} Wire`, url: `http://127.0.0.1:${port}/feed.xml` }));
  writeFileSync(join(dir, 'config.yaml'), stringifyYaml(config));
  const cfg = loadConfig({ WIREFEED_CONFIG: join(dir, 'config.yaml') });
  const ctx = openContext(cfg, createLog('info', new Writable({ write: (_c, _e, done) => done() })));
  const { ingest } = cfg;
  const now = new Date();
  let count = 0;
  for (const source of listSources(ctx.db)) {
    let t = performance.now();
    const fetched = await fetchFeed(
      { url: source.url! },
      { timeoutMs: ingest.timeoutMs, connectTimeoutMs: ingest.connectTimeoutMs, maxBytes: ingest.maxBytes, maxRedirects: ingest.maxRedirects, userAgent: 'bench' },
    );
    spent.set('fetch', spent.get('fetch')! + performance.now() - t);
    t = performance.now();
    const feed = await parseFeed(decodeBody(fetched.body, fetched.contentType).text);
    spent.set('parse', spent.get('parse')! + performance.now() - t);
    const drafts: ArticleDraft[] = feed.entries.map((entry) => {
      const item = timed('normalize', () => normalizeEntry(entry, { baseUrl: feed.link ?? source.url!, now }));
      const content = timed('sanitize', () =>
        sanitizeContent(item.contentHtml, { baseUrl: item.url, boilerplate: ingest.boilerplate, iframeHosts: ingest.iframeHosts }),
      );
      const c = timed('classify', () =>
        classify(
          { title: item.title, summary: item.summary, upstreamCategories: item.upstreamCategories, tags: item.tags, sourceCategories: source.categories },
          cfg.categories,
          cfg.gazetteer,
        ),
      );
      const text = content.text;
      return timed('normalize', () => ({
        ...item,
        upstreamTags: item.tags,
        summary: item.summary ?? excerpt(text || undefined) ?? '',
        contentHtml: content.html,
        bodyText: text,
        categories: c.categories,
        tags: c.tags,
        related: explicitRelated(item.url, [...item.related, ...content.related]),
      }));
    });
    ctx.db.transaction(() => {
      const ids = timed('store', () => saveArticles(ctx.db, source.id, drafts, now).map((s) => s.id));
      timed('relate', () => ids.forEach((id) => relateArticle(ctx.db, id)));
    })();
    count += drafts.length;
  }
  ctx.db.close();
  // KEEP_DB=path keeps the database for a closer look.
  if (process.env.KEEP_DB) writeFileSync(process.env.KEEP_DB, readFileSync(join(dir, 'ingest.db')));
  const total = [...spent.values()].reduce((a, b) => a + b, 0);
  console.log(`| stage | µs/item | share |\n| --- | ---: | ---: |`);
  for (const [stage, ms] of spent) console.log(`| ${stage} | ${((ms * 1000) / count).toFixed(0)} | ${((100 * ms) / total).toFixed(0)} % |`);
  console.log(`| total | ${((total * 1000) / count).toFixed(0)} | ${count} items, ${(count / (total / 1000)).toFixed(0)} items/s on one core |`);
} finally {
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
}
