// Related stories.
// - Explicit: the ones an article names itself (front matter, Atom link
//   rel="related", the inline "Related:" line), once each, never itself.
//   Links to articles we hold resolve to them when published (store/feeds).
// - Same story: the same event from several sources — the same canonical URL,
//   or near-identical headlines published within two days — clustered; the
//   feeds show the story once, its other versions listed as same-story.
// - Computed: for each new article, the few most related earlier articles by
//   text similarity (FTS5 BM25 over title and summary), strengthened by shared
//   tags and categories, within a recency window. Stored at ingest, so that
//   publishing is a join; a new article also joins older articles' lists
//   when it beats their weakest entry.
import { stemmer } from 'stemmer';
import { removeStopwords } from 'stopword';
import type { RelatedRef } from '../model.js';
import type { Db } from '../store/db.js';
import {
  type Candidate,
  findCandidates,
  findRelateSubject,
  listComputed,
  listStoryMembers,
  type RelatedLink,
  type RelateSubject,
  replaceRelated,
  setStory,
  windowFrequencies,
  windowFrom,
} from '../store/related.js';
import { canonicalUrl } from './normalize.js';

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

export interface RelateOptions {
  /** How many computed related stories an article keeps. */
  max: number;
  /** How far back candidates may be published. */
  windowMs: number;
  /** Same-story versions are published within this much of each other. */
  sameStoryMs: number;
  /** Headlines this close (Jaccard over word stems) are the same story… */
  sameStoryTitle: number;
  /** …and so are headline-and-summary pairs this close, whose wording differs more. */
  sameStoryText: number;
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
 * they say most about what it is about, and their lists in the index are
 * short. A word in more than COMMON recent articles says little about any
 * of them and is left out like a stop word, so the query costs little
 * however large the archive grows.
 */
function distinctiveWords(db: Db, words: readonly string[], minId: number): string[] {
  const frequency = windowFrequencies(db, words, minId, COMMON);
  return words
    .filter((w) => (frequency.get(w) ?? 0) >= 2 && (frequency.get(w) ?? 0) <= COMMON)
    .sort((a, b) => (frequency.get(a) ?? 0) - (frequency.get(b) ?? 0))
    .slice(0, QUERY_WORDS);
}

/** Relates one stored article (call inside the transaction that stored it). */
export function relateArticle(db: Db, id: number, options: RelateOptions = defaultRelateOptions): void {
  const subject = findRelateSubject(db, id);
  if (!subject) return;
  const window = windowFrom(db, subject.publishedAt - options.windowMs, subject.publishedAt + options.sameStoryMs, subject.id);
  const words = distinctiveWords(db, keywords(`${subject.title} ${subject.summary}`).slice(0, PROBED_WORDS), window.minId);
  if (words.length === 0) return;
  const match = `{title summary} : (${words.map((w) => `"${w}"`).join(' OR ')})`;
  const candidates = findCandidates(db, subject, match, window, CANDIDATES);
  const best = Math.max(...candidates.map((c) => c.text), 0);

  const mine = { title: stems(subject.title), text: stems(`${subject.title} ${subject.summary}`) };
  const sameStory = candidates.filter((c) => isSameStory(subject, mine, c, options));
  if (sameStory.length > 0) joinStory(db, subject, sameStory);

  const scored = candidates
    .filter((c) => !sameStory.includes(c) && c.publishedAt <= subject.publishedAt && !sameStoryOf(subject, c))
    .map((c) => ({ candidate: c, score: score(c, best) }))
    .filter((s) => s.score >= options.minScore)
    .sort((a, b) => b.score - a.score);
  replaceRelated(db, subject.id, 'computed', scored.slice(0, options.max).map((s) => link(s.candidate, s.score)));
  // The new article may belong in the lists of the older ones it matched.
  for (const { candidate, score: s } of scored.slice(0, options.max)) {
    const current = listComputed(db, candidate.id).filter((l) => l.url !== subject.url);
    if (current.length >= options.max && (current.at(-1)?.score ?? 0) >= s) continue;
    const next = [...current, link(subject, s)].sort((a, b) => b.score - a.score).slice(0, options.max);
    replaceRelated(db, candidate.id, 'computed', next);
  }
}

/** Text similarity relative to the best match, plus shared tags and categories. */
function score(c: Candidate, best: number): number {
  const text = best > 0 ? c.text / best : 0;
  return 0.6 * text + 0.15 * Math.min(c.sharedTags, 2) + 0.05 * Math.min(c.sharedCategories, 2);
}

/** `mine`: the subject's stems, made once for all its candidates. */
function isSameStory(subject: RelateSubject, mine: { title: string[]; text: string[] }, c: Candidate, options: RelateOptions): boolean {
  if (c.url === subject.url) return true;
  if (c.sourceId === subject.sourceId) return false;
  if (Math.abs(c.publishedAt - subject.publishedAt) > options.sameStoryMs) return false;
  if (jaccard(mine.title, stems(c.title)) >= options.sameStoryTitle) return true;
  return jaccard(mine.text, stems(`${c.title} ${c.summary}`)) >= options.sameStoryText;
}

function sameStoryOf(subject: RelateSubject, c: Candidate): boolean {
  const story = subject.storyId ?? subject.id;
  return c.storyId === story || c.id === story;
}

/**
 * Adds the subject to the story of its best same-story match. It joins one
 * story only, and only a story it matched directly: chains of "A is like B,
 * B is like C" would merge a whole news thread into one story.
 */
function joinStory(db: Db, subject: RelateSubject, matches: readonly Candidate[]): void {
  const [best] = matches;
  if (!best) return;
  const members = new Map<number, RelateSubject>([[subject.id, subject]]);
  for (const m of listStoryMembers(db, best.storyId ?? best.id)) members.set(m.id, m);
  const ordered = [...members.values()].sort((a, b) => a.publishedAt - b.publishedAt || a.id - b.id);
  setStory(db, ordered);
  for (const m of ordered) {
    replaceRelated(db, m.id, 'same-story', ordered.filter((o) => o.id !== m.id).map((o) => link(o, 1)));
  }
}

function link(a: Pick<RelateSubject, 'url' | 'title'>, score: number): RelatedLink {
  return { url: a.url, title: a.title, score };
}

/** The words that carry meaning: lower case, no stop words, no short tokens, once each. */
export function keywords(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !/^\d+$/.test(w));
  return [...new Set(removeStopwords(words))].slice(0, 32);
}

/** Keywords reduced to their Porter stems, so that "strike" and "strikes" meet. */
function stems(text: string): string[] {
  return [...new Set(keywords(text).map((w) => stemmer(w)))];
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  const setB = new Set(b);
  const shared = a.filter((w) => setB.has(w)).length;
  const union = new Set([...a, ...b]).size;
  return union === 0 ? 0 : shared / union;
}
