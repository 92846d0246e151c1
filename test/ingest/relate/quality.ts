// Measures computed related stories and same-story clustering against the
// labelled set in test/fixtures/relatedness.json (about 60 articles on eight
// news threads, written for this project). Shared by the quality test, which
// holds the numbers above floors, and by the benchmark, which reports them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/paths.js';
import type { Context } from '../../../src/context.js';
import { relateArticle } from '../../../src/ingest/relate/relate.js';
import { saveArticle } from '../../../src/store/articles/articles.js';
import { relatedOf } from '../../../src/store/articles/related-reads.js';
import { listSources } from '../../../src/store/sources.js';

export interface LabelledArticle {
  id: string;
  source: string;
  url: string;
  title: string;
  summary: string;
  categories: string[];
  tags: string[];
  published: string;
  thread: string;
}

export interface LabelledSet {
  articles: LabelledArticle[];
  related: [string, string][];
  same_story: string[][];
  aliases: Record<string, string[]>;
}

export const labelledSet = (): LabelledSet =>
  JSON.parse(readFileSync(join(packageRoot, 'test', 'fixtures', 'relatedness.json'), 'utf8')) as LabelledSet;

/** The configuration the set needs: its four sources, its categories, its aliases. */
export function labelledConfig(set: LabelledSet): string {
  const categories = [...new Set(set.articles.flatMap((a) => a.categories))].sort();
  const sources = [...new Set(set.articles.map((a) => a.source))].sort();
  return `site: { title: Quality, base_url: "http://quality.test", author: Q }
categories:
${categories.map((c) => `  - { slug: ${c}, label: ${c} }`).join('\n')}
tags:
${Object.entries(set.aliases)
  .map(([name, aliases]) => `  - { name: "${name}", aliases: [${aliases.map((a) => `"${a}"`).join(', ')}] }`)
  .join('\n')}
sources:
${sources.map((s) => `  - { slug: ${s}, name: ${s}, url: "https://${s}.example/feed" }`).join('\n')}
`;
}

/** Stores the set in publication order, relating each article as ingest does; returns our id of each labelled id. */
export function ingestLabelledSet(ctx: Context, set: LabelledSet): Map<string, number> {
  const sourceIds = new Map(listSources(ctx.db).map((s) => [s.slug, s.id]));
  const ids = new Map<string, number>();
  const ordered = [...set.articles].sort((a, b) => a.published.localeCompare(b.published) || a.id.localeCompare(b.id));
  ctx.db.transaction(() => {
    for (const a of ordered) {
      const published = new Date(a.published);
      const { id } = saveArticle(
        ctx.db,
        sourceIds.get(a.source) ?? 0,
        {
          guid: a.id,
          url: a.url,
          title: a.title,
          summary: a.summary,
          contentHtml: `<p>${a.summary}</p>`,
          bodyText: a.summary,
          publishedAt: published,
          updatedAt: published,
          categories: a.categories,
          tags: a.tags,
          upstreamCategories: a.categories,
          upstreamTags: a.tags,
          related: [],
        },
        published,
      );
      ids.set(a.id, id);
      relateArticle(ctx.db, id);
    }
  })();
  return ids;
}

export interface Quality {
  relatedPrecisionAt3: number;
  relatedRecallAt3: number;
  clusterPrecision: number;
  clusterRecall: number;
  predictedRelated: number;
  predictedSameStoryPairs: number;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

export function measureQuality(ctx: Context, set: LabelledSet, ids: Map<string, number>): Quality {
  const labelOf = new Map([...ids].map(([label, id]) => [id, label]));
  const byUrl = new Map(set.articles.map((a) => [a.url, a.id]));
  const expectedRelated = new Set(set.related.map(([a, b]) => pairKey(a, b)));
  const expectedSame = new Set(set.same_story.flatMap((c) => c.flatMap((a, i) => c.slice(i + 1).map((b) => pairKey(a, b)))));

  // The related stories as published: relate's suggestions, at most three, each story once.
  const lists = relatedOf(ctx.db, [...ids.values()]);
  const links = [...lists].flatMap(([articleId, list]) =>
    list.filter((r) => r.kind === 'computed' || r.kind === 'follow-up').map((r) => ({ article_id: articleId, url: r.url })),
  );
  let predicted = 0;
  let correct = 0;
  const found = new Map<string, number>();
  for (const l of links) {
    const from = labelOf.get(l.article_id);
    const to = byUrl.get(l.url);
    if (!from || !to) continue;
    predicted++;
    // A link to another version of the same event is a good related story too.
    if (expectedRelated.has(pairKey(from, to)) || expectedSame.has(pairKey(from, to))) correct++;
    if (expectedRelated.has(pairKey(from, to))) found.set(from, (found.get(from) ?? 0) + 1);
  }
  const expectedCount = new Map<string, number>();
  for (const [a, b] of set.related) for (const x of [a, b]) expectedCount.set(x, (expectedCount.get(x) ?? 0) + 1);
  const recalls = [...expectedCount].map(([label, n]) => Math.min(found.get(label) ?? 0, 3) / Math.min(3, n));

  const stories = ctx.db.prepare('SELECT id, coalesce(story_id, id) AS story FROM articles').all() as { id: number; story: number }[];
  const members = new Map<number, string[]>();
  for (const s of stories) members.set(s.story, [...(members.get(s.story) ?? []), labelOf.get(s.id) ?? '']);
  const predictedSame = new Set([...members.values()].flatMap((c) => c.flatMap((a, i) => c.slice(i + 1).map((b) => pairKey(a, b)))));
  const sameCorrect = [...predictedSame].filter((p) => expectedSame.has(p)).length;

  return {
    relatedPrecisionAt3: predicted === 0 ? 0 : correct / predicted,
    relatedRecallAt3: recalls.reduce((s, r) => s + r, 0) / Math.max(recalls.length, 1),
    // Nothing clustered is nothing wrongly clustered.
    clusterPrecision: predictedSame.size === 0 ? 1 : sameCorrect / predictedSame.size,
    clusterRecall: expectedSame.size === 0 ? 0 : sameCorrect / expectedSame.size,
    predictedRelated: predicted,
    predictedSameStoryPairs: predictedSame.size,
  };
}
