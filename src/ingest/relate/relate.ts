// Related stories.
// - Explicit: the ones an article names itself (front matter, Atom link
//   rel="related", the inline "Related:" line), once each, never itself.
//   Links to articles we hold resolve to them when published (store/feeds).
// - Same story: the same event from several sources — the same canonical URL,
//   or near-identical headlines published within two days — clustered; the
//   feeds show the story once, its other versions listed as same-story
//   (same-story.ts).
// - Computed: for each new article, the few most related earlier articles by
//   text similarity (BM25 over title and summary, in relate/index.ts),
//   strengthened by shared tags and categories, within a recency window.
//   Stored at ingest, so that publishing is a join; a new article also joins
//   older articles' lists when it beats their weakest entry.
import type { RelatedRef } from '../../model.js';
import type { Db } from '../../store/db/db.js';
import {
  findRelateSubject,
  listRelatedOfKind,
  listLiveIds,
  listStoryIds,
  type RelatedLink,
  type RelateSubject,
  replaceRelated,
  type Window,
  windowFrom,
} from '../../store/articles/related.js';
import { listRemovedIds } from '../../store/articles/related-edits.js';
import { canonicalUrl } from '../clean/normalize.js';
import { type IndexedArticle, type RelateIndex, relateIndexFor } from './index.js';
import { isSameStory, joinStory, type StoryOptions } from './same-story.js';

/** An earlier article as scored against the subject. */
interface Candidate {
  article: IndexedArticle;
  /** Text similarity (BM25 over title and summary), higher is closer. */
  text: number;
  sharedTags: number;
  sharedCategories: number;
}

/** The subject as indexed, with its stems and labels as sets, made once for all its candidates. */
interface Mine {
  article: IndexedArticle;
  titleStems: Set<string>;
  textStems: Set<string>;
  tags: Set<string>;
  categories: Set<string>;
}

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

export interface RelateOptions extends StoryOptions {
  /** How many computed related stories an article keeps. */
  max: number;
  /** How far back candidates may be published. */
  windowMs: number;
  /** Least combined score for a computed related story. */
  minScore: number;
}

export const defaultRelateOptions: RelateOptions = {
  max: 3,
  windowMs: 30 * 86_400_000,
  sameStoryMs: 2 * 86_400_000,
  sameStoryTitle: 0.5,
  // Chosen for precision (BENCHMARKS.md): in the demo feeds, different
  // stories of one thread share up to a quarter of their stems, while the
  // labelled set's rewritten versions of one event share as little as a
  // tenth. Showing two stories as one hides a story, which is worse than
  // listing a version twice.
  sameStoryText: 0.3,
  minScore: 0.35,
};

const CANDIDATES = 40;
const QUERY_WORDS = 14;
const COMMON = 100;
// Title words come first: the first twenty keywords are where an article says what it is about.
const PROBED_WORDS = 20;

/**
 * The rarest of the article's words that some other recent article shares:
 * they say most about what it is about. A word in more than COMMON recent
 * articles says little about any of them and is left out like a stop word.
 */
function distinctiveWords(index: RelateIndex, words: readonly string[], minId: number): string[] {
  const frequency = new Map(words.map((w) => [w, index.frequency(w, minId)]));
  return words
    .filter((w) => frequency.get(w)! >= 2 && frequency.get(w)! <= COMMON)
    .sort((a, b) => frequency.get(a)! - frequency.get(b)!)
    .slice(0, QUERY_WORDS);
}

/** The best text matches in the window, best first. */
function findCandidates(index: RelateIndex, mine: Mine, words: readonly string[], window: Window): Candidate[] {
  const accept = (a: IndexedArticle) => a.id !== mine.article.id && a.publishedAt >= window.from && a.publishedAt <= window.to;
  return index.search(words, window.minId, accept, CANDIDATES).map(({ article, text }) => ({
    article,
    text,
    sharedTags: shared(article.tags, mine.tags),
    sharedCategories: shared(article.categories, mine.categories),
  }));
}

/** Relates one stored article (call inside the transaction that stored it). */
export function relateArticle(db: Db, id: number, options: RelateOptions = defaultRelateOptions): void {
  const subject = findRelateSubject(db, id);
  if (!subject) return;
  const window = windowFrom(db, subject.publishedAt - options.windowMs, subject.publishedAt + options.sameStoryMs, subject.id);
  const index = relateIndexFor(db);
  index.sync(db, window.minId);
  const indexed = index.get(subject.id);
  if (!indexed) return;
  const words = distinctiveWords(index, indexed.keywords.slice(0, PROBED_WORDS), window.minId);
  if (words.length === 0) return;
  const mine: Mine = {
    article: indexed,
    titleStems: new Set(indexed.titleStems),
    textStems: new Set(indexed.textStems),
    tags: new Set(indexed.tags),
    categories: new Set(indexed.categories),
  };
  // An editor's removal sticks: such an article is neither joined nor linked again.
  const removed = listRemovedIds(db, subject.id);
  const found = findCandidates(index, mine, words, window).filter((c) => !removed.has(c.article.id));
  const best = Math.max(...found.map((c) => c.text), 0);
  // The story the subject is in, as it stood before this article joined any.
  const story = subject.storyId ?? subject.id;
  const inStory = listStoryIds(db, story);

  const sameStory = found.filter((c) => isSameStory(subject, mine, c.article, options));
  const scored = found
    .filter((c) => !sameStory.includes(c) && c.article.publishedAt <= subject.publishedAt && c.article.id !== story && !inStory.has(c.article.id))
    .map((c) => ({ article: c.article, score: score(c, best) }))
    .filter((s) => s.score >= options.minScore)
    .sort((a, b) => b.score - a.score);
  // Another process may have withdrawn an article since the index read it.
  const usable = [...sameStory.map((c) => c.article), ...scored.map((s) => s.article)];
  const live = listLiveIds(db, usable.map((a) => a.id));
  for (const a of usable) if (!live.has(a.id)) index.markChanged(a.id);
  const liveSameStory = sameStory.filter((c) => live.has(c.article.id));
  if (liveSameStory.length > 0) joinStory(db, subject, liveSameStory[0]!.article);
  const chosen = scored.filter((s) => live.has(s.article.id)).slice(0, options.max);

  replaceRelated(db, subject.id, 'computed', chosen.map((s) => link(s.article, s.score)));
  // The new article may belong in the lists of the older ones it matched.
  for (const { article, score: s } of chosen) {
    const stored = listRelatedOfKind(db, article.id, 'computed');
    const current = stored.filter((l) => l.url !== subject.url);
    if (current.length >= options.max && (current.at(-1)?.score ?? 0) >= s) continue;
    const next = [...current, link(subject, s)].sort((a, b) => b.score - a.score).slice(0, options.max);
    replaceRelated(db, article.id, 'computed', next, stored);
  }
}

function shared(a: readonly string[], b: ReadonlySet<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
}

/** Text similarity relative to the best match, plus shared tags and categories. */
function score(c: Candidate, best: number): number {
  const text = best > 0 ? c.text / best : 0;
  return 0.6 * text + 0.15 * Math.min(c.sharedTags, 2) + 0.05 * Math.min(c.sharedCategories, 2);
}

function link(a: Pick<RelateSubject, 'url' | 'title'>, score: number): RelatedLink {
  return { url: a.url, title: a.title, score };
}
