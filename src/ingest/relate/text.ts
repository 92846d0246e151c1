// What relate compares of an article (relate/index.ts): the words of its
// title and summary with their weighted counts, its keywords and their
// stems. A pure function of the two texts, so the prepare worker works it
// out along with the rest of an article (prepare/feed.ts) and the main
// thread, where relate runs inside the store's transaction, takes it over
// rather than splitting and stemming the same text itself.
import { keywordsOf, stemsOf, tokens } from './words.js';

export interface RelateText {
  /** The distinct words of title and summary… */
  words: string[];
  /** …and each one's count, a word in the title counting TITLE_WEIGHT, in the summary 1 (as search ranks them). */
  counts: number[];
  /** Words in title and summary. */
  length: number;
  /** `keywords` of title and summary. */
  keywords: string[];
  titleStems: string[];
  textStems: string[];
}

const TITLE_WEIGHT = 3;

export function relateTextOf(title: string, summary: string): RelateText {
  const counts = new Map<string, number>();
  const titleWords = tokens(title);
  const summaryWords = tokens(summary);
  for (const w of titleWords) counts.set(w, (counts.get(w) ?? 0) + TITLE_WEIGHT);
  for (const w of summaryWords) counts.set(w, (counts.get(w) ?? 0) + 1);
  const keywords = keywordsOf(titleWords.concat(summaryWords));
  return {
    words: [...counts.keys()],
    counts: [...counts.values()],
    length: titleWords.length + summaryWords.length,
    keywords,
    titleStems: stemsOf(keywordsOf(titleWords)),
    textStems: stemsOf(keywords),
  };
}
