// What relate compares of an article, worked out once from its title,
// summary and body (in the prepare worker for a new article, in relate's
// index otherwise) and a pure function of them, so that the similarity of
// two articles depends on those two alone:
// - `lead`: the weighted stems of the headline, summary and the body's first
//   LEAD_WORDS words, as a unit vector (cosine similarity is a dot product);
//   a word weighs what it says in general English (word-weights.ts).
// - `head`: the headline and summary's stems other than names, weighted the
//   same way: what the report says happened, whoever it happened to.
// - `body`: every stem of the text read, to see how much of another report's
//   head this report covers.
// - `names`, `quantities`, `day`: names.ts, quantities.ts, event-day.ts.
import { eventDayOf } from './event-day.js';
import { namesOf } from './names.js';
import { quantitiesOf } from './quantities.js';
import { wordWeight } from './word-weights.js';
import { isKeyword, keywordsOf, stemOf, tokens } from './words.js';

export interface WeightedStems {
  stems: string[];
  weights: number[];
}

export interface Signature {
  lead: WeightedStems;
  head: WeightedStems;
  body: string[];
  names: string[];
  quantities: string[];
  /** "yyyy-mm-dd", absent when the lead names no day. */
  day?: string;
}

const LEAD_WORDS = 120;
/** Names kept (evidence shows what two articles share): the first named, where a report names its main people and places. */
const NAMES = 24;
const DAY_SENTENCES = 2;

export function signatureOf(title: string, summary: string, body: string, publishedAt: number): Signature {
  const text = `${title}.\n${summary}\n${body}`;
  const allNames = namesOf(text);
  const nameSet = new Set(allNames);
  const names = allNames.slice(0, NAMES);
  const bodyWords = tokens(body);
  const lead = weighted([...tokens(title), ...tokens(summary), ...bodyWords.slice(0, LEAD_WORDS)]);
  normalise(lead);
  const head = weighted([...tokens(title), ...tokens(summary)], nameSet);
  const firstSentences = body.split(/(?<=[.!?])\s+/u).slice(0, DAY_SENTENCES).join(' ');
  const day = eventDayOf(`${title}. ${summary} ${firstSentences}`, publishedAt);
  return {
    lead,
    head,
    body: [...new Set(keywordsOf(tokens(text), Infinity).map(stemOf))],
    names,
    quantities: quantitiesOf(text),
    ...(day ? { day } : {}),
  };
}

/** The stems of the words that carry meaning, each weighing the sum of its words' weights; names left out when given. */
function weighted(words: readonly string[], leaveOut?: ReadonlySet<string>): WeightedStems {
  const sums = new Map<string, number>();
  for (const w of words) {
    if (!isKeyword(w) || leaveOut?.has(w)) continue;
    const weight = wordWeight(w);
    if (weight === 0) continue;
    const s = stemOf(w);
    sums.set(s, (sums.get(s) ?? 0) + weight);
  }
  return { stems: [...sums.keys()], weights: [...sums.values()] };
}

function normalise(v: WeightedStems): void {
  const norm = Math.sqrt(v.weights.reduce((s, x) => s + x * x, 0));
  if (norm > 0) v.weights = v.weights.map((x) => x / norm);
}
