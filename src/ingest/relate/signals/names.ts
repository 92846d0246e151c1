// The names a text uses: words written with a capital where a sentence does
// not start ("Dorran Vesk", "Saltreach Mutual"), lower-cased. What the
// text names, beside the gazetteer's tags: two reports that share names are
// about the same people and places, though not always the same event.
import { eng } from 'stopword';

const STOP_WORDS = new Set(eng);
const SENTENCES = /(?<=[.!?:;"”’])\s+|\n+/u;
const CAPITALISED = /^[“"'‘(]*(\p{Lu}[\p{L}\p{M}'’-]*)/u;

/** The distinct names of a text, lower case, without a possessive "'s". */
export function namesOf(text: string): string[] {
  const names = new Set<string>();
  for (const sentence of text.split(SENTENCES)) {
    const words = sentence.split(/\s+/u);
    // The first word of a sentence has its capital whatever it is.
    for (let i = 1; i < words.length; i++) {
      const m = CAPITALISED.exec(words[i]!);
      if (!m) continue;
      const name = m[1]!.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’]s$/u, '').replace(/['’-]+$/u, '');
      if (name.length > 1 && !STOP_WORDS.has(name)) names.add(name);
    }
  }
  return [...names];
}
