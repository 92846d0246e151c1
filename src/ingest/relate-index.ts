// The words of the recent articles' titles and summaries, held in memory so
// that relating a new article asks the database a few cheap questions rather
// than one full-text query per word (every FTS5 query costs tens of
// microseconds however short its answer, and relate asked twenty-one).
//
// The database stays the truth. Before each use the index reads the articles
// stored since it last looked, whoever stored them; it starts again from the
// database when the newest article it knows is gone or changed (a rolled-back
// transaction), and at the latest after MAX_AGE_MS, so that an edit made by
// another process is picked up. Writers in this process mark the articles
// they change, reclassify or withdraw (`markArticleChanged`); relate checks
// the links it chose against the database, so that an article another
// process withdrew is never offered.
import type { Db } from '../store/db.js';
import { findIndexAnchor, type IndexRow, listIndexRows } from '../store/related.js';
import { type RelateText, relateTextOf } from './relate-text.js';

/** An article as held: its words (relate-text.ts) but their counts, which are in the postings. */
export interface IndexedArticle extends Omit<RelateText, 'counts'> {
  id: number;
  url: string;
  title: string;
  publishedAt: number;
  sourceId: number;
  tags: string[];
  categories: string[];
}

/** The articles that have a word, ascending by id, each with the word's weighted count. */
interface Postings {
  ids: number[];
  /** As RelateText counts them: a title word more than a summary word. */
  counts: number[];
  lengths: number[];
}

/** How many of the newest articles are held: relate compares at most the 5,000 most recent (store/related.ts). */
const HELD = 5_000;
const MAX_AGE_MS = 10 * 60_000;
// BM25's usual constants, the ones FTS5's bm25() uses.
const K1 = 1.2;
const B = 0.75;

export class RelateIndex {
  private articles = new Map<number, IndexedArticle>();
  private postings = new Map<string, Postings>();
  /** Scores of one search, by id − minId: reused, since a search touches at most the held articles. */
  private scoreboard = new Float64Array(0);
  private totalLength = 0;
  /** The lowest id held, and the newest article read, to notice a rollback. */
  private floor = 0;
  private newest?: { id: number; firstSeenAt: number; url: string };
  private builtAt = 0;
  private changed = new Set<number>();
  /** The words of articles just stored, worked out by the prepare worker: taken over when the row is read. */
  private expected = new Map<number, { title: string; summary: string; text: RelateText }>();

  /** Catches up with the database; afterwards every live article with id ≥ minId is held. */
  sync(db: Db, minId: number): void {
    const latest = findIndexAnchor(db);
    if (!latest) return this.clear();
    if (this.newest) {
      const anchor = latest.id === this.newest.id ? latest : findIndexAnchor(db, this.newest.id);
      const same = anchor?.firstSeenAt === this.newest.firstSeenAt && anchor.url === this.newest.url;
      if (!same || Date.now() - this.builtAt > MAX_AGE_MS) this.clear();
    }
    if (!this.newest) {
      this.builtAt = Date.now();
      this.floor = Math.max(1, Math.min(minId, latest.id - HELD));
      this.load(listIndexRows(db, this.floor, latest.id));
    } else {
      if (minId < this.floor) {
        this.load(listIndexRows(db, minId, this.floor - 1));
        this.floor = minId;
      }
      if (latest.id > this.newest.id) this.load(listIndexRows(db, this.newest.id + 1, latest.id));
      for (const id of this.changed) {
        this.remove(id);
        if (id >= this.floor && id <= latest.id) this.load(listIndexRows(db, id, id));
      }
    }
    this.changed.clear();
    this.expected.clear();
    this.newest = latest;
    // Dropped in bulk, and never what this caller asks for: relating a long
    // feed oldest first would otherwise load and drop the same rows again and again.
    const floor = Math.min(minId, latest.id - HELD);
    if (floor - this.floor > HELD) this.prune(floor);
  }

  /** The words of an article just stored, to be taken over when its row is read, if its title and summary are still these. */
  expect(id: number, title: string, summary: string, text: RelateText): void {
    this.expected.set(id, { title, summary, text });
  }

  /** An article changed or left in this process: read it again at the next sync. */
  markChanged(id: number): void {
    this.changed.add(id);
  }

  get(id: number): IndexedArticle | undefined {
    return this.articles.get(id);
  }

  /** How many held articles with id ≥ minId have the word. */
  frequency(word: string, minId: number): number {
    const ids = this.postings.get(word)?.ids;
    return ids ? ids.length - lowerBound(ids, minId) : 0;
  }

  /**
   * The held articles with id ≥ minId that have any of the words and that
   * `accept` lets through, scored by BM25 over title and summary, best first.
   */
  search(words: readonly string[], minId: number, accept: (a: IndexedArticle) => boolean, limit: number): { article: IndexedArticle; text: number }[] {
    const n = this.articles.size;
    const averageLength = this.totalLength / Math.max(n, 1);
    const span = (this.newest?.id ?? 0) - minId + 1;
    if (this.scoreboard.length < span) this.scoreboard = new Float64Array(span * 2);
    const scores = this.scoreboard;
    const touched: number[] = [];
    for (const word of words) {
      const postings = this.postings.get(word);
      if (!postings) continue;
      const { ids, counts, lengths } = postings;
      // FTS5's IDF, which keeps a word in most articles barely above zero.
      const idf = Math.max(Math.log((n - ids.length + 0.5) / (ids.length + 0.5)), 1e-6);
      for (let i = lowerBound(ids, minId); i < ids.length; i++) {
        const at = ids[i]! - minId;
        const f = counts[i]!;
        if (scores[at] === 0) touched.push(at);
        scores[at] = scores[at]! + (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * lengths[i]!) / averageLength));
      }
    }
    // The best `limit` so far, kept in order (score down, then id up): most
    // touched articles fall short of the weakest of them and are never looked
    // up, and no list of them all is made and sorted.
    const bestAt: number[] = [];
    const bestScore: number[] = [];
    for (const at of touched) {
      const score = scores[at]!;
      scores[at] = 0;
      const full = bestAt.length >= limit;
      if (full && !ranksAbove(score, at, bestScore[limit - 1]!, bestAt[limit - 1]!)) continue;
      if (!accept(this.articles.get(at + minId)!)) continue;
      let i = full ? limit - 1 : bestAt.length;
      for (; i > 0 && ranksAbove(score, at, bestScore[i - 1]!, bestAt[i - 1]!); i--) {
        bestAt[i] = bestAt[i - 1]!;
        bestScore[i] = bestScore[i - 1]!;
      }
      bestAt[i] = at;
      bestScore[i] = score;
    }
    return bestAt.map((at, i) => ({ article: this.articles.get(at + minId)!, text: bestScore[i]! }));
  }

  private clear(): void {
    this.articles.clear();
    this.postings.clear();
    this.totalLength = 0;
    this.newest = undefined;
    this.changed.clear();
  }

  private load(rows: readonly IndexRow[]): void {
    for (const row of rows) this.add(row);
  }

  private add(row: IndexRow): void {
    const hint = this.expected.get(row.id);
    const { words, counts, length, keywords, titleStems, textStems } =
      hint && hint.title === row.title && hint.summary === row.summary ? hint.text : relateTextOf(row.title, row.summary);
    this.articles.set(row.id, {
      id: row.id,
      url: row.url,
      title: row.title,
      publishedAt: row.publishedAt,
      sourceId: row.sourceId,
      tags: JSON.parse(row.tags) as string[],
      categories: JSON.parse(row.categories) as string[],
      words,
      length,
      keywords,
      titleStems,
      textStems,
    });
    this.totalLength += length;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const count = counts[i]!;
      let postings = this.postings.get(word);
      if (!postings) this.postings.set(word, (postings = { ids: [], counts: [], lengths: [] }));
      const { ids } = postings;
      if (ids.length === 0 || ids[ids.length - 1]! < row.id) {
        ids.push(row.id);
        postings.counts.push(count);
        postings.lengths.push(length);
      } else {
        // An older article read again (changed, or the window reaching back).
        const at = lowerBound(ids, row.id);
        ids.splice(at, 0, row.id);
        postings.counts.splice(at, 0, count);
        postings.lengths.splice(at, 0, length);
      }
    }
  }

  private remove(id: number): void {
    const article = this.articles.get(id);
    if (!article) return;
    this.articles.delete(id);
    this.totalLength -= article.length;
    for (const word of article.words) {
      const postings = this.postings.get(word)!;
      const at = lowerBound(postings.ids, id);
      for (const list of [postings.ids, postings.counts, postings.lengths]) list.splice(at, 1);
      if (postings.ids.length === 0) this.postings.delete(word);
    }
  }

  private prune(floor: number): void {
    for (const [id, article] of this.articles) {
      if (id >= floor) continue;
      this.articles.delete(id);
      this.totalLength -= article.length;
    }
    // Ids ascend in every list: the pruned ones are each list's head.
    for (const [word, postings] of this.postings) {
      const cut = lowerBound(postings.ids, floor);
      for (const list of [postings.ids, postings.counts, postings.lengths]) list.splice(0, cut);
      if (postings.ids.length === 0) this.postings.delete(word);
    }
    this.floor = floor;
  }
}

/** Whether a score at position `at` ranks above another: a higher score, or the same and an older article. */
function ranksAbove(score: number, at: number, otherScore: number, otherAt: number): boolean {
  return score > otherScore || (score === otherScore && at < otherAt);
}

/** The first position in ascending `ids` whose id is ≥ `id`. */
function lowerBound(ids: readonly number[], id: number): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (ids[mid]! < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

const indexes = new WeakMap<Db, RelateIndex>();

/** The index of this connection, made on first use. */
export function relateIndexFor(db: Db): RelateIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new RelateIndex();
    indexes.set(db, index);
  }
  return index;
}

/** Hands this connection's index the words of an article just stored, worked out by the prepare worker. */
export function expectArticleText(db: Db, id: number, title: string, summary: string, text: RelateText): void {
  relateIndexFor(db).expect(id, title, summary, text);
}

/** Tells this connection's index, if it has one, that an article changed or was withdrawn. */
export function markArticleChanged(db: Db, id: number): void {
  indexes.get(db)?.markChanged(id);
}
