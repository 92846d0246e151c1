// The inverted index under relate's in-memory index (relate/index.ts): for
// each word of the held articles' titles and summaries, the articles that
// have it in ascending id, with the word's weighted count and the article's
// length, and the BM25 search over them.
import type { RelateText } from './text.js';

/** The articles that have a word, ascending by id. */
interface Postings {
  ids: number[];
  /** As RelateText counts them: a title word more than a summary word. */
  counts: number[];
  lengths: number[];
}

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

  add(id: number, { words, counts, length }: Pick<RelateText, 'words' | 'counts' | 'length'>): void {
    this.articles++;
    this.totalLength += length;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      let postings = this.byWord.get(word);
      if (!postings) this.byWord.set(word, (postings = { ids: [], counts: [], lengths: [] }));
      const { ids } = postings;
      if (ids.length === 0 || ids[ids.length - 1]! < id) {
        ids.push(id);
        postings.counts.push(counts[i]!);
        postings.lengths.push(length);
      } else {
        // An older article read again (changed, or the window reaching back).
        const at = lowerBound(ids, id);
        ids.splice(at, 0, id);
        postings.counts.splice(at, 0, counts[i]!);
        postings.lengths.splice(at, 0, length);
      }
    }
  }

  /** Takes out an article added with these words and length. */
  remove(id: number, { words, length }: Pick<RelateText, 'words' | 'length'>): void {
    this.articles--;
    this.totalLength -= length;
    for (const word of words) {
      const postings = this.byWord.get(word)!;
      const at = lowerBound(postings.ids, id);
      for (const list of [postings.ids, postings.counts, postings.lengths]) list.splice(at, 1);
      if (postings.ids.length === 0) this.byWord.delete(word);
    }
  }

  /** Takes out every article with an id below `floor`: `dropped` of them, of `droppedLength` words in all. */
  prune(floor: number, dropped: number, droppedLength: number): void {
    this.articles -= dropped;
    this.totalLength -= droppedLength;
    // Ids ascend in every list: the pruned ones are each list's head.
    for (const [word, postings] of this.byWord) {
      const cut = lowerBound(postings.ids, floor);
      for (const list of [postings.ids, postings.counts, postings.lengths]) list.splice(0, cut);
      if (postings.ids.length === 0) this.byWord.delete(word);
    }
  }

  /** How many articles with id ≥ minId have the word. */
  frequency(word: string, minId: number): number {
    const ids = this.byWord.get(word)?.ids;
    return ids ? ids.length - lowerBound(ids, minId) : 0;
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
      const postings = this.byWord.get(word);
      if (!postings) continue;
      const { ids, counts, lengths } = postings;
      // FTS5's IDF, which keeps a word in most articles barely above zero.
      const idf = Math.max(Math.log((this.articles - ids.length + 0.5) / (ids.length + 0.5)), 1e-6);
      for (let i = lowerBound(ids, minId); i < ids.length && ids[i]! <= maxId; i++) {
        const at = ids[i]! - minId;
        const f = counts[i]!;
        if (scores[at] === 0) touched.push(at);
        scores[at] = scores[at]! + (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * lengths[i]!) / averageLength));
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
