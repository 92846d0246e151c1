// Same story: the same event from several sources, told in the same words or
// nearly, clustered so that the feeds show it once (relate.ts finds the
// candidates; this decides and records which are the same story).
import { findStoryOf, listStoryMembers, type RelateSubject, replaceRelated, setStory } from '../../store/articles/related.js';
import type { Db } from '../../store/db/db.js';
import type { IndexedArticle } from './index.js';

/** The subject's word stems, as sets, made once for all its candidates. */
interface SubjectStems {
  titleStems: ReadonlySet<string>;
  textStems: ReadonlySet<string>;
}

/** What makes two articles the same story; part of relate.ts's RelateOptions, which depends on this module, not the other way. */
export interface StoryOptions {
  /** Same-story versions are published within this much of each other. */
  sameStoryMs: number;
  /** Headlines this close (Jaccard over word stems) are the same story… */
  sameStoryTitle: number;
  /** …and so are headline-and-summary pairs this close, whose wording differs more. */
  sameStoryText: number;
}

/**
 * Whether a candidate tells the same story as the subject: the same URL, or
 * another source's near-identical wording within the time allowed. The URLs
 * compared are identities (store/articles/related.ts): an article whose link
 * is only its feed's page has none to share.
 */
export function isSameStory(subject: RelateSubject, mine: SubjectStems, c: IndexedArticle, options: StoryOptions): boolean {
  if (c.url === subject.url) return true;
  if (c.sourceId === subject.sourceId) return false;
  if (Math.abs(c.publishedAt - subject.publishedAt) > options.sameStoryMs) return false;
  if (similarEnough(c.titleStems, mine.titleStems, options.sameStoryTitle)) return true;
  return similarEnough(c.textStems, mine.textStems, options.sameStoryText);
}

/**
 * Adds the subject to the story of its best same-story match. It joins one
 * story only, and only a story it matched directly: chains of "A is like B,
 * B is like C" would merge a whole news thread into one story.
 */
export function joinStory(db: Db, subject: RelateSubject, best: IndexedArticle): void {
  const members = new Map<number, RelateSubject>([[subject.id, subject]]);
  for (const m of listStoryMembers(db, findStoryOf(db, best.id))) members.set(m.id, m);
  const ordered = [...members.values()].sort((a, b) => a.publishedAt - b.publishedAt || a.id - b.id);
  setStory(db, ordered);
  for (const m of ordered) {
    replaceRelated(db, m.id, 'same-story', ordered.filter((o) => o.id !== m.id).map((o) => ({ url: o.url, title: o.title, score: 1 })));
  }
}

/**
 * Whether the Jaccard similarity of `a` (each stem once) and `b` reaches
 * `threshold`. The similarity only grows with the number of stems shared, so
 * it reaches the threshold exactly when that number reaches `least`: counting
 * stops as soon as the answer is known either way (most candidates share few
 * stems, and miss enough of them to be refused after a few), and the answer
 * is the one a full count gives.
 */
function similarEnough(a: readonly string[], b: ReadonlySet<string>, threshold: number): boolean {
  const least = leastShared(a.length, b.size, threshold);
  if (least === 0) return true;
  if (least > a.length) return false;
  let common = 0;
  let misses = a.length - least;
  for (let i = 0; i < a.length; i++) {
    if (!b.has(a[i]!)) {
      if (--misses < 0) return false;
    } else if (++common === least) return true;
  }
  return false;
}

/** The fewest shared stems whose Jaccard similarity reaches `threshold`, for sets of these sizes; above `sizeA` when none does. */
function leastShared(sizeA: number, sizeB: number, threshold: number): number {
  const total = sizeA + sizeB;
  const jaccard = (common: number) => (total - common === 0 ? 0 : common / (total - common));
  // common / (total − common) ≥ t ⇔ common ≥ t·total / (1 + t): a guess, settled by the same sum as before.
  let least = Math.min(sizeA + 1, Math.max(0, Math.ceil((threshold * total) / (1 + threshold))));
  while (least > 0 && jaccard(least - 1) >= threshold) least--;
  while (least <= sizeA && jaccard(least) < threshold) least++;
  return least;
}
