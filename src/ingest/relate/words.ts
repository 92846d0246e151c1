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

/** `keywords` of text already split into tokens. */
export function keywordsOf(words: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const w of words) {
    if (w.length < 3 || /^\d+$/.test(w) || STOP_WORDS.has(w)) continue;
    seen.add(w);
    if (seen.size === 32) break;
  }
  return [...seen];
}

/** Keywords reduced to their Porter stems, so that "strike" and "strikes" meet. */
export function stems(text: string): string[] {
  return stemsOf(keywords(text));
}

/** The distinct stems of some keywords. */
export function stemsOf(keywords: readonly string[]): string[] {
  return [...new Set(keywords.map(stem))];
}

// News copy repeats its words: a word's stem is worked out once and
// remembered, up to a bound, past which the memory starts again.
const stemOf = new Map<string, string>();
const REMEMBERED_STEMS = 50_000;

function stem(word: string): string {
  let found = stemOf.get(word);
  if (found === undefined) {
    if (stemOf.size >= REMEMBERED_STEMS) stemOf.clear();
    found = stemmer(word);
    stemOf.set(word, found);
  }
  return found;
}
