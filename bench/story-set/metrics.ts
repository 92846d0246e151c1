// The scores, from the labels and what wirefeed showed (read.ts); pure
// functions, so that they can be checked on small hand-made cases.
import type { Observation } from './read.js';
import type { SetArticle } from './set.js';

/** Kinds that are not a related-story suggestion of ours: same-story versions and links the article names itself. */
const notSuggested = new Set(['same-story', 'explicit']);

export interface Scores {
  /** Related links shown (the first three suggested per article). */
  linksShown: number;
  linksCorrect: number;
  precisionAt3: number;
  recallAt3: number;
  sameStoryPairs: number;
  sameStoryPairsFound: number;
  sameStoryRecall: number;
  falseMerges: [string, string][];
  sameStoryGroups: number;
  /** Same-story groups shown more than once in /feeds/all. */
  leaks: { event: string; shown: string[] }[];
  allItems: number;
  events: number;
  missing: string[];
}

const ratio = (n: number, d: number, empty: number) => (d === 0 ? empty : n / d);

export function score(articles: readonly SetArticle[], seen: Observation): Scores {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const related = relatedScores(articles, seen, byId);
  const groups = storyGroups(articles, seen);
  const pairs = pairsWithin(groups);
  const eventPairs = pairsWithin(byEvent(articles));
  const together = new Set(pairs.map(([a, b]) => `${a}|${b}`));
  const found = eventPairs.filter(([a, b]) => together.has(`${a}|${b}`)).length;
  return {
    ...related,
    sameStoryPairs: eventPairs.length,
    sameStoryPairsFound: found,
    sameStoryRecall: ratio(found, eventPairs.length, 1),
    falseMerges: pairs.filter(([a, b]) => byId.get(a)?.event !== byId.get(b)?.event),
    ...leaks(articles, seen.allItems),
    missing: seen.missing,
  };
}

function relatedScores(articles: readonly SetArticle[], seen: Observation, byId: Map<string, SetArticle>) {
  let shown = 0;
  let correct = 0;
  const recalls: number[] = [];
  for (const a of articles) {
    const links = (seen.related.get(a.id) ?? []).filter((l) => !notSuggested.has(l.kind)).slice(0, 3);
    const good = links.filter((l) => {
      const t = byId.get(l.target);
      return t !== undefined && t.id !== a.id && ((a.thread !== null && t.thread === a.thread) || t.event === a.event);
    }).length;
    shown += links.length;
    correct += good;
    const mates = a.thread === null ? 0 : articles.filter((o) => o.id !== a.id && o.thread === a.thread).length;
    if (mates > 0) recalls.push(Math.min(good, 3) / Math.min(3, mates));
  }
  return {
    linksShown: shown,
    linksCorrect: correct,
    precisionAt3: ratio(correct, shown, 0),
    recallAt3: ratio(
      recalls.reduce((s, r) => s + r, 0),
      recalls.length,
      1,
    ),
  };
}

/** Our stories: each article with its same-story entries, joined (union-find) over every such link; sorted lists of labelled ids. */
export function storyGroups(articles: readonly SetArticle[], seen: Observation): string[][] {
  const parent = new Map(articles.map((a) => [a.id, a.id]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const [id, links] of seen.related) {
    for (const l of links) {
      if (l.kind === 'same-story' && parent.has(l.target)) parent.set(find(id), find(l.target));
    }
  }
  const groups = new Map<string, string[]>();
  for (const a of articles) groups.set(find(a.id), [...(groups.get(find(a.id)) ?? []), a.id]);
  return [...groups.values()].map((g) => g.sort()).sort((x, y) => (x[0] ?? '').localeCompare(y[0] ?? ''));
}

function byEvent(articles: readonly SetArticle[]): string[][] {
  const events = new Map<string, string[]>();
  for (const a of articles) events.set(a.event, [...(events.get(a.event) ?? []), a.id]);
  return [...events.values()].map((g) => g.sort());
}

/** Every unordered pair inside each group, as [smaller, larger]. */
export function pairsWithin(groups: readonly string[][]): [string, string][] {
  return groups.flatMap((g) => {
    const s = [...g].sort();
    return s.flatMap((a, i) => s.slice(i + 1).map((b): [string, string] => [a, b]));
  });
}

function leaks(articles: readonly SetArticle[], allItems: readonly string[]) {
  const shown = new Set(allItems);
  const events = byEvent(articles);
  const byEventId = new Map(articles.map((a) => [a.id, a.event]));
  const multi = events.filter((g) => g.length >= 2);
  return {
    sameStoryGroups: multi.length,
    leaks: multi
      .map((g) => ({ event: byEventId.get(g[0] ?? '') ?? '', shown: g.filter((id) => shown.has(id)) }))
      .filter((l) => l.shown.length > 1),
    allItems: allItems.length,
    events: events.length,
  };
}

/** What must not change with the ingest order: each article's story and its related list (kind and target, in order). */
export function signatures(articles: readonly SetArticle[], seen: Observation): Map<string, string> {
  const storyOf = new Map<string, string>();
  for (const g of storyGroups(articles, seen)) for (const id of g) storyOf.set(id, g.join(','));
  return new Map(
    articles.map((a) => [a.id, `story [${storyOf.get(a.id)}] related [${(seen.related.get(a.id) ?? []).map((l) => `${l.kind}:${l.target}`).join(', ')}]`]),
  );
}

/** Articles whose signature differs from the first order's, with both. */
export function differences(first: Map<string, string>, other: Map<string, string>): { id: string; first: string; other: string }[] {
  return [...first].filter(([id, sig]) => other.get(id) !== sig).map(([id, sig]) => ({ id, first: sig, other: other.get(id) ?? '(absent)' }));
}
