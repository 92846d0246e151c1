// The inverted index under relate's in-memory index (relate/index.ts): for
// each word of the held articles' titles and summaries, the articles that
// have it in ascending id, with the word's weighted count and the article's
// length, and the BM25 search over them.
import type { RelateText } from './text.js';

/**
 * The articles that have a word, ascending by id, as one flat list of
 * [id, count, length] triples: the count as RelateText counts it (a title
 * word more than a summary word), the length the article's. One list rather
 * than three, and made to the size of its first triple: most words of news
 * copy (names above all) are in one or two of the held articles, and three
 * lists grown by push took about 600 bytes for each such word, 75 MB of the
 * index at 10,000 articles.
 */
interface Postings {
  /** The word, held once: articles that have it keep this string (relate/index.ts), not copies of their own. */
  word: string;
  entries: number[];
}

/** Numbers per article in Postings.entries. */
const STRIDE = 3;

// BM25's usual constants, the ones FTS5's bm25() uses.
const K1 = 1.2;
const B = 0.75;

export class WordPostings {
  private byWord = new Map<string, Postings>();
  /** Scores of one search, by id − minId: reused, since a search touches at most the held articles. */
  private scoreboard = new Float64Array(0);
  /** Articles held, and their words in all. */
  private articles = 0;
  private totalLength = 0;

  clear(): void {
    this.byWord.clear();
    this.articles = 0;
    this.totalLength = 0;
  }

  /** Adds an article; returns its words as held here, so that the caller can keep those rather than copies. */
  add(id: number, { words, counts, length }: Pick<RelateText, 'words' | 'counts' | 'length'>): string[] {
    this.articles++;
    this.totalLength += length;
    return words.map((word, i) => {
      const postings = this.byWord.get(word);
      if (!postings) {
        this.byWord.set(word, { word, entries: [id, counts[i]!, length] });
        return word;
      }
      const { entries } = postings;
      if (entries[entries.length - STRIDE]! < id) entries.push(id, counts[i]!, length);
      // An older article read again (changed, or the window reaching back).
      else entries.splice(lowerBound(entries, id) * STRIDE, 0, id, counts[i]!, length);
      return postings.word;
    });
  }

  /** The word as held here, if an article has it. */
  held(word: string): string | undefined {
    return this.byWord.get(word)?.word;
  }

  /** Takes out an article added with these words and length. */
  remove(id: number, { words, length }: Pick<RelateText, 'words' | 'length'>): void {
    this.articles--;
    this.totalLength -= length;
    for (const word of words) {
      const postings = this.byWord.get(word)!;
      postings.entries.splice(lowerBound(postings.entries, id) * STRIDE, STRIDE);
      if (postings.entries.length === 0) this.byWord.delete(word);
    }
  }

  /** Takes out every article with an id below `floor`: `dropped` of them, of `droppedLength` words in all. */
  prune(floor: number, dropped: number, droppedLength: number): void {
    this.articles -= dropped;
    this.totalLength -= droppedLength;
    // Ids ascend in every list: the pruned ones are each list's head.
    for (const [word, postings] of this.byWord) {
      postings.entries.splice(0, lowerBound(postings.entries, floor) * STRIDE);
      if (postings.entries.length === 0) this.byWord.delete(word);
    }
  }

  /** How many articles with id ≥ minId have the word. */
  frequency(word: string, minId: number): number {
    const entries = this.byWord.get(word)?.entries;
    return entries ? entries.length / STRIDE - lowerBound(entries, minId) : 0;
  }

  /**
   * The `limit` articles with ids in [minId, maxId] that have any of the
   * words and that `accept` lets through, scored by BM25, best first (the
   * older first among equal scores).
   */
  search(words: readonly string[], minId: number, maxId: number, accept: (id: number) => boolean, limit: number): { id: number; text: number }[] {
    const averageLength = this.totalLength / Math.max(this.articles, 1);
    const span = maxId - minId + 1;
    if (this.scoreboard.length < span) this.scoreboard = new Float64Array(span * 2);
    const scores = this.scoreboard;
    const touched: number[] = [];
    for (const word of words) {
      const entries = this.byWord.get(word)?.entries;
      if (!entries) continue;
      const articles = entries.length / STRIDE;
      // FTS5's IDF, which keeps a word in most articles barely above zero.
      const idf = Math.max(Math.log((this.articles - articles + 0.5) / (articles + 0.5)), 1e-6);
      for (let i = lowerBound(entries, minId) * STRIDE; i < entries.length && entries[i]! <= maxId; i += STRIDE) {
        const at = entries[i]! - minId;
        const f = entries[i + 1]!;
        if (scores[at] === 0) touched.push(at);
        scores[at] = scores[at]! + (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * entries[i + 2]!) / averageLength));
      }
    }
    // The best `limit` so far, kept in order: most touched articles fall
    // short of the weakest of them and are never offered to `accept`, and no
    // list of them all is made and sorted.
    const bestAt: number[] = [];
    const bestScore: number[] = [];
    for (const at of touched) {
      const score = scores[at]!;
      scores[at] = 0;
      const full = bestAt.length >= limit;
      if (full && !ranksAbove(score, at, bestScore[limit - 1]!, bestAt[limit - 1]!)) continue;
      if (!accept(at + minId)) continue;
      let i = full ? limit - 1 : bestAt.length;
      for (; i > 0 && ranksAbove(score, at, bestScore[i - 1]!, bestAt[i - 1]!); i--) {
        bestAt[i] = bestAt[i - 1]!;
        bestScore[i] = bestScore[i - 1]!;
      }
      bestAt[i] = at;
      bestScore[i] = score;
    }
    return bestAt.map((at, i) => ({ id: at + minId, text: bestScore[i]! }));
  }
}

/** Whether a score at position `at` ranks above another: a higher score, or the same and an older article. */
function ranksAbove(score: number, at: number, otherScore: number, otherAt: number): boolean {
  return score > otherScore || (score === otherScore && at < otherAt);
}

/** The first triple of `entries` (counted in triples) whose id is ≥ `id`. */
function lowerBound(entries: readonly number[], id: number): number {
  let low = 0;
  let high = entries.length / STRIDE;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (entries[mid * STRIDE]! < id) low = mid + 1;
    else high = mid;
  }
  return low;
}
