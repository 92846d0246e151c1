// The words relate compares articles by. `tokens` splits text the way the
// full-text index does (003_search.sql: unicode61, diacritics removed, lower
// case), so that a word counted here is the word searched for there.
import { stemmer } from 'stemmer';
import { eng } from 'stopword';

// stopword's own removeStopwords searches its list word by word; a set asks once.
const STOP_WORDS = new Set(eng);

/** Every word of the text, in order: lower case, no accents, split at anything not a letter or digit. */
export function tokens(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** The words that carry meaning: no stop words, no short tokens, no numbers, once each, the first 32. */
export function keywords(text: string): string[] {
  return keywordsOf(tokens(text));
}

/** `keywords` of text already split into tokens, the first `limit` of them. */
export function keywordsOf(words: readonly string[], limit = 32): string[] {
  const seen = new Set<string>();
  for (const w of words) {
    if (!isKeyword(w)) continue;
    seen.add(w);
    if (seen.size === limit) break;
  }
  return [...seen];
}

/** Whether a token carries meaning: three letters or more, no stop word, no bare number. */
export function isKeyword(w: string): boolean {
  return w.length >= 3 && !/^\d+$/.test(w) && !STOP_WORDS.has(w);
}

/** Keywords reduced to their Porter stems, so that "strike" and "strikes" meet. */
export function stems(text: string): string[] {
  return stemsOf(keywords(text));
}

/** The distinct stems of some keywords. */
export function stemsOf(keywords: readonly string[]): string[] {
  return [...new Set(keywords.map(stemOf))];
}

// News copy repeats its words: a word's stem is worked out once and
// remembered, up to a bound, past which the memory starts again.
const stemsSeen = new Map<string, string>();
const REMEMBERED_STEMS = 50_000;

/** A word's Porter stem. */
export function stemOf(word: string): string {
  let found = stemsSeen.get(word);
  if (found === undefined) {
    if (stemsSeen.size >= REMEMBERED_STEMS) stemsSeen.clear();
    found = stemmer(word);
    stemsSeen.set(word, found);
  }
  return found;
}
