// How alike two articles are, from their signatures (signature.ts) and
// times alone: nothing here reads the archive, so a pair scores the same
// whenever, and in whatever order, its articles were stored.
//
// Related: the cosine similarity of their leads (leadSimilarity).
//
// Same story (sameStoryScore), the rule documented in README "Related
// stories": two reports of one event, from different sources, published
// within STORY_HOURS of each other, that
// - say much the same (half the cosine of their leads), and
// - each cover what the other says happened (half the lesser of the two
//   coverages: the share, by weight, of one's headline and summary words,
//   names left out, that the other's text uses). A follow-up recalls the
//   earlier event, but the earlier report never mentions the follow-up's
//   news: its coverage of the follow-up's headline is low;
// - then: +DAY_AGREES when both leads name the same day for their news,
//   −DAY_DIFFERS when the later report names a later day; +up to QUANTITIES_AGREE
//   for agreeing figures ("18 million crowns"; "48 per cent" and "almost
//   halved", quantities.ts), −QUANTITIES_DIFFER when both state two
//   figures or more and none agree; and −up to LATE for the hours apart
//   past the first day.
// The scores were set on the story set (test/fixtures/story-set, BENCHMARKS.md)
// where no different events merge for any threshold in 0.20–0.35.
import { figuresAgree } from './signals/quantities.js';
import type { Signature } from './signals/signature.js';

/** Stems as sorted 32-bit hashes (stemHash), with a weight each. */
export interface Vector {
  ids: Uint32Array;
  weights: Float32Array;
}

/**
 * A signature ready to compare, compact enough to hold thousands: stems as
 * sorted hashes (two stems that share a hash, one pair in many millions,
 * count as one word; comparisons are merges of sorted arrays).
 */
export interface Comparable {
  /** The lead's unit vector. */
  lead: Vector;
  head: Vector;
  body: Uint32Array;
  /** Sorted. */
  names: string[];
  quantities: string[];
  day?: string;
}

/** What the pair scores need of an article besides its signature. */
export interface Compared extends Comparable {
  publishedAt: number;
  sourceId: number;
}

export const STORY_HOURS = 72;
const HOUR_MS = 3_600_000;
const DAY_AGREES = 0.1;
const DAY_DIFFERS = 0.3;
const QUANTITIES_AGREE = 0.1;
const QUANTITIES_DIFFER = 0.2;
const LATE = 0.3;
const GRACE_HOURS = 24;

/** A signature ready to compare; `hold` may swap strings for copies it already holds. */
export function comparableOf(s: Signature, hold: (strings: string[]) => string[] = (x) => x): Comparable {
  return {
    lead: vectorOf(s.lead.stems, s.lead.weights),
    head: vectorOf(s.head.stems, s.head.weights),
    body: Uint32Array.from(new Set(s.body.map(stemHash))).sort(),
    names: hold([...s.names].sort()),
    quantities: [...s.quantities].sort(),
    ...(s.day ? { day: s.day } : {}),
  };
}

function vectorOf(stems: readonly string[], weights: readonly number[]): Vector {
  const byId = new Map<number, number>();
  stems.forEach((stem, i) => {
    const id = stemHash(stem);
    byId.set(id, (byId.get(id) ?? 0) + weights[i]!);
  });
  const ids = Uint32Array.from(byId.keys()).sort();
  return { ids, weights: Float32Array.from(ids, (id) => byId.get(id)!) };
}

/** FNV-1a, 32 bits. */
function stemHash(stem: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stem.length; i++) {
    h ^= stem.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The cosine similarity of two leads, 0 to 1. */
export function leadSimilarity(a: Comparable, b: Comparable): number {
  const x = a.lead;
  const y = b.lead;
  let dot = 0;
  for (let i = 0, j = 0; i < x.ids.length && j < y.ids.length; ) {
    if (x.ids[i]! < y.ids[j]!) i++;
    else if (x.ids[i]! > y.ids[j]!) j++;
    else dot += x.weights[i++]! * y.weights[j++]!;
  }
  return Math.min(1, dot);
}

/** The share, by weight, of `a`'s headline and summary words (names left out) that `b`'s text uses. */
export function coverage(a: Comparable, b: Comparable): number {
  const { ids, weights } = a.head;
  let total = 0;
  let covered = 0;
  for (let i = 0, j = 0; i < ids.length; i++) {
    total += weights[i]!;
    while (j < b.body.length && b.body[j]! < ids[i]!) j++;
    if (b.body[j] === ids[i]) covered += weights[i]!;
  }
  return total === 0 ? 0 : covered / total;
}

/** The figures of `a` that agree with one of `b`'s (quantities.ts: "48%" and "~50%" do). */
function agreeingFigures(a: readonly string[], b: readonly string[]): string[] {
  return a.filter((x) => b.some((y) => figuresAgree(x, y)));
}

/** What two sorted lists share. */
export function sharedOf(a: readonly string[], b: readonly string[]): string[] {
  const shared: string[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      shared.push(a[i]!);
      i++;
      j++;
    }
  }
  return shared;
}

export function hoursApart(a: { publishedAt: number }, b: { publishedAt: number }): number {
  return Math.abs(a.publishedAt - b.publishedAt) / HOUR_MS;
}

/** How surely two articles report one event; −Infinity when they cannot (one source, too far apart). */
export function sameStoryScore(a: Compared, b: Compared): number {
  if (a.sourceId === b.sourceId) return -Infinity;
  const hours = hoursApart(a, b);
  if (hours > STORY_HOURS) return -Infinity;
  let score = 0.5 * leadSimilarity(a, b) + 0.5 * Math.min(coverage(a, b), coverage(b, a));
  score += dayScore(a, b);
  const agreeing = Math.min(agreeingFigures(a.quantities, b.quantities).length, agreeingFigures(b.quantities, a.quantities).length);
  if (agreeing > 0) score += (QUANTITIES_AGREE * Math.min(agreeing, 3)) / 3;
  else if (a.quantities.length >= 2 && b.quantities.length >= 2) score -= QUANTITIES_DIFFER;
  score -= (LATE * Math.max(0, hours - GRACE_HOURS)) / (STORY_HOURS - GRACE_HOURS);
  return score;
}

/**
 * Agreeing days count for the pair; differing days count against it only
 * as a follow-up would show them, the later report naming the later day.
 * Otherwise the difference is one of reading (one report names the day
 * the news came out, the other the day of the event it reports).
 */
function dayScore(a: Compared, b: Compared): number {
  if (!a.day || !b.day) return 0;
  if (a.day === b.day) return DAY_AGREES;
  const [earlier, later] = a.publishedAt <= b.publishedAt ? [a, b] : [b, a];
  return later.day! > earlier.day! ? -DAY_DIFFERS : 0;
}

/** A score as stored and published: three decimals; an infinite one (the same URL) is 1. */
export function rounded(score: number): number {
  return Number.isFinite(score) ? Math.round(score * 1000) / 1000 : 1;
}

/** What two articles have in common, as a related link's evidence (store/articles/evidence.ts). */
export function evidenceOf(a: Compared, b: Compared): Record<string, unknown> {
  return {
    similarity: rounded(leadSimilarity(a, b)),
    coverage: rounded(Math.min(coverage(a, b), coverage(b, a))),
    shared_entities: sharedOf(a.names, b.names).slice(0, 8),
    shared_numbers: agreeingFigures(a.quantities, b.quantities).slice(0, 8),
    ...(a.day && b.day ? { same_day: a.day === b.day } : {}),
    hours_apart: Math.round(hoursApart(a, b) * 10) / 10,
  };
}
