// What relate holds of an article (relate/index.ts): the words of its
// title and summary with their weighted counts and its keywords, to find
// candidates, and its signature (signature.ts), to compare them. A pure
// function of the article's texts and time, so the prepare worker works it
// out along with the rest of an article (prepare/feed.ts) and the main
// thread, where relate runs inside the store's transaction, takes it over
// rather than splitting and stemming the same text itself.
import { bodyTextOf } from './signals/body-text.js';
import { type Signature, signatureOf } from './signals/signature.js';
import { keywordsOf, tokens } from './signals/words.js';

export interface RelateText {
  /** The distinct words of title and summary… */
  words: string[];
  /** …and each one's count, a word in the title counting TITLE_WEIGHT, in the summary 1 (as search ranks them). */
  counts: number[];
  /** Words in title and summary. */
  length: number;
  /** `keywords` of title and summary. */
  keywords: string[];
  signature: Signature;
}

const TITLE_WEIGHT = 3;

/** The text of an article as stored: its body is its sanitised HTML. */
export function relateTextOf(title: string, summary: string, contentHtml: string, publishedAt: number): RelateText {
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
    signature: signatureOf(title, summary, bodyTextOf(contentHtml), publishedAt),
  };
}
