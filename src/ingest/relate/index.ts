// The words of the recent articles' titles and summaries, held in memory so
// that relating a new article asks the database a few cheap questions rather
// than one full-text query per word (every FTS5 query costs tens of
// microseconds however short its answer, and relate asked twenty-one).
//
// The database stays the truth. Before each use the index reads the articles
// stored since it last looked, whoever stored them; it starts again from the
// database when the newest article it knows is gone or changed (a rolled-back
// transaction); and every MAX_AGE_MS it compares the content hash of each
// article it holds with the database's, and reads again those that changed
// or were withdrawn, so that an edit made by another process is picked up
// (reading all again would work out thousands of signatures: seconds). Writers in this process mark the articles
// they change, reclassify or withdraw (`markArticleChanged`); relate checks
// the links it chose against the database, so that an article another
// process withdrew is never offered.
import type { Db } from '../../store/db/db.js';
import { findIndexAnchor, type IndexRow, listIndexHashes, listIndexRows } from '../../store/articles/related.js';
import { type Comparable, comparableOf } from './similarity.js';
import { type RelateText, relateTextOf } from './text.js';
import { WordPostings } from './word-postings.js';

/** An article as held: its words (relate/text.ts) but their counts, which are in the postings, and its signature ready to compare. */
export interface IndexedArticle extends Omit<RelateText, 'counts' | 'signature'>, Comparable {
  id: number;
  /** Its identity for relate: its own URL, else a reference by id (store/articles/related.ts). */
  url: string;
  title: string;
  publishedAt: number;
  sourceId: number;
  contentHash: string;
}

/** How many of the newest articles are held: relate compares at most the 5,000 most recent (store/articles/related.ts). */
const HELD = 5_000;
const MAX_AGE_MS = 10 * 60_000;

export class RelateIndex {
  private articles = new Map<number, IndexedArticle>();
  private postings = new WordPostings();
  /** The lowest id held, and the newest article read, to notice a rollback. */
  private floor = 0;
  private newest?: { id: number; firstSeenAt: number; url: string };
  private builtAt = 0;
  private changed = new Set<number>();
  /** The words of articles just stored, worked out by the prepare worker: taken over when the row is read. */
  private expected = new Map<number, { title: string; summary: string; publishedAt: number; text: RelateText }>();
  /**
   * Names as held (`shared`). Started again when
   * articles are dropped, so that it holds no more than the articles do:
   * those still held keep their strings all the same.
   */
  private strings = new Map<string, string>();

  /** Catches up with the database; afterwards every live article with id ≥ minId is held. */
  sync(db: Db, minId: number): void {
    const latest = findIndexAnchor(db);
    if (!latest) return this.clear();
    if (this.newest) {
      const anchor = latest.id === this.newest.id ? latest : findIndexAnchor(db, this.newest.id);
      const same = anchor?.firstSeenAt === this.newest.firstSeenAt && anchor.url === this.newest.url;
      if (!same) this.clear();
      else if (Date.now() - this.builtAt > MAX_AGE_MS) this.checkHashes(db);
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

  /** The words of an article just stored, to be taken over when its row is read, if its title, summary and time are still these. */
  expect(id: number, title: string, summary: string, publishedAt: number, text: RelateText): void {
    this.expected.set(id, { title, summary, publishedAt, text });
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
    return this.postings.frequency(word, minId);
  }

  /**
   * The held articles with id ≥ minId that have any of the words and that
   * `accept` lets through, scored by BM25 over title and summary, best first.
   */
  search(words: readonly string[], minId: number, accept: (a: IndexedArticle) => boolean, limit: number): { article: IndexedArticle; text: number }[] {
    const found = this.postings.search(words, minId, this.newest?.id ?? 0, (id) => accept(this.articles.get(id)!), limit);
    return found.map(({ id, text }) => ({ article: this.articles.get(id)!, text }));
  }

  private clear(): void {
    this.articles.clear();
    this.postings.clear();
    this.strings.clear();
    this.newest = undefined;
    this.changed.clear();
  }

  private load(rows: readonly IndexRow[]): void {
    for (const row of rows) this.add(row);
  }

  private add(row: IndexRow): void {
    const hint = this.expected.get(row.id);
    const text =
      hint && hint.title === row.title && hint.summary === row.summary && hint.publishedAt === row.publishedAt
        ? hint.text
        : relateTextOf(row.title, row.summary, row.contentHtml, row.publishedAt);
    // Each article's strings come as copies of their own (split from its
    // text, read from its row or from a worker's message), and most of them
    // are in many articles: held once, 10,000 articles took 17 MB, not 43.
    const words = this.postings.add(row.id, text);
    this.articles.set(row.id, {
      id: row.id,
      url: row.url,
      title: row.title,
      publishedAt: row.publishedAt,
      sourceId: row.sourceId,
      contentHash: row.contentHash,
      words,
      length: text.length,
      // Words of the title and summary, all of them in the postings.
      keywords: text.keywords.map((w) => this.postings.held(w) ?? w),
      ...comparableOf(text.signature, (strings) => this.shared(strings)),
    });
  }

  /** Marks the held articles whose content changed, or that were withdrawn, since they were read. */
  private checkHashes(db: Db): void {
    this.builtAt = Date.now();
    for (const row of listIndexHashes(db, this.floor)) {
      const held = this.articles.get(row.id);
      if (held ? row.withdrawn || held.contentHash !== row.contentHash : !row.withdrawn) this.changed.add(row.id);
    }
  }

  /** The strings as held by the index, the first copy of each that it met. */
  private shared(strings: readonly string[]): string[] {
    return strings.map((s) => {
      const held = this.strings.get(s);
      if (held !== undefined) return held;
      this.strings.set(s, s);
      return s;
    });
  }

  private remove(id: number): void {
    const article = this.articles.get(id);
    if (!article) return;
    this.articles.delete(id);
    this.postings.remove(id, article);
  }

  private prune(floor: number): void {
    let dropped = 0;
    let droppedLength = 0;
    for (const [id, article] of this.articles) {
      if (id >= floor) continue;
      this.articles.delete(id);
      dropped++;
      droppedLength += article.length;
    }
    this.postings.prune(floor, dropped, droppedLength);
    this.strings.clear();
    this.floor = floor;
  }
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
export function expectArticleText(db: Db, id: number, title: string, summary: string, publishedAt: number, text: RelateText): void {
  relateIndexFor(db).expect(id, title, summary, publishedAt, text);
}

/** Oldest first, ties by URL: an order that is the articles' own, not the order they were stored in. */
export function byTimeThenUrl(a: { publishedAt: number; url: string }, b: { publishedAt: number; url: string }): number {
  return a.publishedAt - b.publishedAt || (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);
}

/** Tells this connection's index, if it has one, that an article changed or was withdrawn. */
export function markArticleChanged(db: Db, id: number): void {
  indexes.get(db)?.markChanged(id);
}
