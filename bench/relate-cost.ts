// The cost of relating one new article as the archive grows: synthetic
// archives of 1,000 and 100,000 articles (news-like text over a shared
// vocabulary, with recurring names), then 200 new articles stored and
// related one by one, timed; and the quality of related stories on the
// labelled set. Part `relate` of `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relateArticle } from '../src/ingest/relate/relate.js';
import { migrate, openDb } from '../src/store/db/db.js';
import { testContext } from '../test/helpers.js';
import { ingestLabelledSet, labelledConfig, labelledSet, measureQuality, type Quality } from '../test/ingest/relate/quality.js';

const DAY = 86_400_000;

function words(seed: number): () => string {
  // A small deterministic generator, so that runs are comparable.
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const common = Array.from({ length: 3000 }, (_, i) => `word${i.toString(36)}`);
  const names = Array.from({ length: 400 }, (_, i) => `Name${i.toString(36)}ville`);
  return () => (next() < 0.15 ? names[Math.floor(next() ** 2 * names.length)] : common[Math.floor(next() ** 1.5 * common.length)]) ?? 'word';
}

function text(word: () => string, n: number): string {
  return Array.from({ length: n }, word).join(' ');
}

export function measureRelateCost(size: number, probes: number): { size: number; meanMs: number; p95Ms: number } {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-relate-'));
  const db = openDb(join(dir, 'relate.db'));
  try {
    migrate(db);
    db.prepare("INSERT INTO sources (slug, name, url) VALUES ('synthetic', 'Synthetic', 'https://synthetic.example/feed')").run();
    const insert = db.prepare(
      `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
    );
    const word = words(7);
    const now = Date.now();
    const add = (i: number, at: number) =>
      Number(insert.run(`g${i}`, `https://synthetic.example/${i}`, text(word, 9), text(word, 45), `<p>${text(word, 300)}</p>`, at, at, at).lastInsertRowid);
    db.transaction(() => {
      // The archive spans a year, oldest first: only its last month is in the window.
      for (let i = 0; i < size; i++) add(i, now - 365 * DAY + Math.floor((i / size) * 365 * DAY));
    })();
    const times: number[] = [];
    for (let p = 0; p < probes; p++) {
      const id = add(size + p, now + p);
      const start = performance.now();
      db.transaction(() => relateArticle(db, id))();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return {
      size,
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

Precision counts a computed link as right when the labels call the pair related or the same story; recall at 3 is, per
article, the labelled related stories found among its links over min(3, how many it has). Clustering is tuned for
precision: the set rewrites every version's headline and summary, and a threshold low enough to join them also joined
different stories of one thread in the demo feeds.

Cost of relating one new article (200 new articles after a synthetic archive spanning a year):

| archive | mean | p95 |
| --- | --- | --- |
${costs.map((c) => `| ${c.size.toLocaleString('en')} | ${c.meanMs.toFixed(2)} ms | ${c.p95Ms.toFixed(2)} ms |`).join('\n')}
`;
}
