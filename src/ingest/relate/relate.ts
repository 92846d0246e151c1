// Related stories.
// - Explicit: the ones an article names itself (front matter, Atom link
//   rel="related", the inline "Related:" line), once each, never itself.
//   Links to articles we hold resolve to them when published (store/feeds).
// - Same story: the same event from several sources, clustered so that the
//   feeds show it once, its other versions listed as same-story
//   (same-story.ts, the rule in similarity.ts).
// - Computed and follow-up: for each new article, the articles within
//   WINDOW_MS either side whose leads are most alike (similarity.ts), found
//   among those sharing its distinctive words (BM25 in relate/index.ts). The
//   new article lists them, and joins the lists of those it is alike enough
//   to: links go both ways, an earlier article lists a later one as a
//   follow-up, a later one lists an earlier one as computed. Each list keeps
//   the STORED best by score, a score of the pair alone, so that a list is
//   the same whatever order its articles were stored in; publishing shows
//   the best few of other stories (store/articles/related-reads.ts).
import type { RelatedRef } from '../../model.js';
import type { Db } from '../../store/db/db.js';
import {
  findRelateSubject,
  listLiveIds,
  listRelatedOfKind,
  type RelatedLink,
  replaceRelated,
  type Window,
  windowFrom,
} from '../../store/articles/related.js';
import { listRemovedIds } from '../../store/articles/related-edits.js';
import { canonicalUrl } from '../clean/normalize.js';
import { byTimeThenUrl, type IndexedArticle, type RelateIndex, relateIndexFor } from './index.js';
import { restory } from './same-story.js';
import { evidenceOf, leadSimilarity, rounded } from './similarity.js';

export function explicitRelated(articleUrl: string, candidates: readonly { url: string; title?: string }[]): RelatedRef[] {
  const seen = new Set([articleUrl]);
  const related: RelatedRef[] = [];
  for (const candidate of candidates) {
    const url = canonicalUrl(candidate.url, articleUrl);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    related.push({ url, title: candidate.title || undefined, kind: 'explicit' });
  }
  return related;
}

/** How far apart in time related articles may be published. */
const WINDOW_MS = 30 * 86_400_000;
/**
 * Least lead similarity of a related article, for leads of LONG_LEAD stems
 * or more: below it, on the story set, a third of links or more join
 * different threads. Shorter leads (a headline and a summary, no body) share
 * fewer words with anything, so the floor falls with the shorter lead's
 * length, to SHORT_FLOOR at SHORT_LEAD stems: summary-only items
 * (relatedness.json) get links at all, while precision@3 on the story set
 * and its hold-out stays above 0.9 (a lower floor, or a longer ramp, does
 * not: BENCHMARKS.md).
 */
const MIN_RELATED = 0.5;
const SHORT_FLOOR = 0.35;
const LONG_LEAD = 35;
const SHORT_LEAD = 25;

function relatedFloor(a: IndexedArticle, b: IndexedArticle): number {
  const stems = Math.min(a.lead.ids.length, b.lead.ids.length);
  const share = Math.min(1, Math.max(0, (stems - SHORT_LEAD) / (LONG_LEAD - SHORT_LEAD)));
  return SHORT_FLOOR + share * (MIN_RELATED - SHORT_FLOOR);
}
/**
 * Links kept per article: more than are shown, since versions of the
 * article's own story and several versions of another story take places
 * that publishing leaves out.
 */
const STORED = 8;
const CANDIDATES = 80;
const QUERY_WORDS = 20;
const COMMON = 100;
// Title words come first: the first twenty keywords are where an article says what it is about.
const PROBED_WORDS = 20;

/** Relates one stored article (call inside the transaction that stored it). */
export function relateArticle(db: Db, id: number): void {
  const subject = findRelateSubject(db, id);
  if (!subject) return;
  const window = windowFrom(db, subject.publishedAt - WINDOW_MS, subject.publishedAt + WINDOW_MS, subject.id);
  const index = relateIndexFor(db);
  index.sync(db, window.minId);
  const me = index.get(subject.id);
  if (!me) return;
  const find = (article: IndexedArticle, withinMs: number) => findCandidates(db, index, article, withinMs, window);
  restory(db, index, me, find);
  const found = find(me, WINDOW_MS);

  // An editor's removal sticks: such an article is never linked again.
  const removed = listRemovedIds(db, me.id);
  const alike = found
    .filter((c) => !removed.has(c.id))
    .map((article) => ({ article, score: rounded(leadSimilarity(me, article)) }))
    .filter((s) => s.score >= relatedFloor(me, s.article));
  writeList(db, me, alike);
  for (const { article, score } of alike) writeList(db, article, [{ article: me, score }]);
}

/**
 * The held, live articles that share the article's distinctive words,
 * published within `withinMs` of it, best match first. The words are the
 * rarest of its keywords that some other recent article shares: a word in
 * more than COMMON recent articles says little about any of them.
 */
function findCandidates(db: Db, index: RelateIndex, article: IndexedArticle, withinMs: number, window: Window): IndexedArticle[] {
  const frequency = new Map(article.keywords.slice(0, PROBED_WORDS).map((w) => [w, index.frequency(w, window.minId)]));
  const words = [...frequency.keys()]
    .filter((w) => frequency.get(w)! >= 2 && frequency.get(w)! <= COMMON)
    .sort((a, b) => frequency.get(a)! - frequency.get(b)!)
    .slice(0, QUERY_WORDS);
  if (words.length === 0) return [];
  const accept = (a: IndexedArticle) => a.id !== article.id && Math.abs(a.publishedAt - article.publishedAt) <= withinMs;
  const found = index.search(words, window.minId, accept, CANDIDATES).map((f) => f.article);
  // Another process may have withdrawn an article since the index read it.
  const live = listLiveIds(db, found.map((a) => a.id));
  for (const a of found) if (!live.has(a.id)) index.markChanged(a.id);
  return found.filter((a) => live.has(a.id));
}

interface Scored {
  article: IndexedArticle;
  score: number;
}

/**
 * Writes an article's list: the STORED best of the links it holds and
 * `found`, by score (ties by URL), later articles as follow-ups, earlier
 * ones as computed.
 */
function writeList(db: Db, owner: IndexedArticle, found: readonly Scored[]): void {
  const stored = { 'follow-up': listRelatedOfKind(db, owner.id, 'follow-up'), computed: listRelatedOfKind(db, owner.id, 'computed') };
  const links = new Map<string, { link: RelatedLink; later: boolean }>();
  for (const link of stored['follow-up']) links.set(link.url, { link, later: true });
  for (const link of stored.computed) links.set(link.url, { link, later: false });
  for (const { article, score } of found) {
    const link = { url: article.url, title: article.title, score, evidence: evidenceOf(owner, article) };
    links.set(article.url, { link, later: byTimeThenUrl(article, owner) > 0 });
  }
  const best = [...links.values()]
    .sort((a, b) => b.link.score - a.link.score || (a.link.url < b.link.url ? -1 : a.link.url > b.link.url ? 1 : 0))
    .slice(0, STORED);
  replaceRelated(db, owner.id, 'follow-up', best.filter((b) => b.later).map((b) => b.link), stored['follow-up']);
  replaceRelated(db, owner.id, 'computed', best.filter((b) => !b.later).map((b) => b.link), stored.computed);
}
