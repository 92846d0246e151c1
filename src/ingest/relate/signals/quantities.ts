// The quantities a text states, written one way whatever way the text wrote
// them, so that two reports of one event meet on their figures: "eighteen
// million", "18 million" and "18m" are 18000000; "87 per cent", "87 pct" and
// "87%" are 87%; "six-and-a-half million" is 6500000. Small counts (up to
// ten) and years say little about which event a text reports and are left
// out. Shares written as words ("almost halved", "a third fewer", "one in
// five") are read as approximate percentages, written "~50%", "~33.3%",
// "~20%"; `figuresAgree` lets such a figure, or a round one ("more than
// three thousand"), meet a precise one near it ("48 per cent", "3,400").
// Our own, as the packages that read number words (words-to-numbers)
// misread "thirty-eight million" and know nothing of "per cent" or shares.

const UNITS = new Map(
  ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'].map(
    (w, i) => [w, i],
  ),
);
const TENS = new Map(['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'].map((w, i) => [w, 20 + 10 * i]));
const SCALES = new Map([
  ['hundred', 100],
  ['thousand', 1e3],
  ['k', 1e3],
  ['million', 1e6],
  ['mln', 1e6],
  ['m', 1e6],
  ['billion', 1e9],
  ['bln', 1e9],
  ['bn', 1e9],
]);
const PERCENT = new Set(['%', 'pct', 'percent']);
const FRACTIONS = new Map([
  ['half', 2],
  ['halves', 2],
  ['third', 3],
  ['thirds', 3],
  ['quarter', 4],
  ['quarters', 4],
  ['fifth', 5],
  ['fifths', 5],
  ['tenth', 10],
  ['tenths', 10],
]);
const HALVING = new Set(['halve', 'halved', 'halves', 'halving']);
/** Words before "a third" or "half" that make it a share ("by a third", "nearly half") rather than an order ("a third term"). */
const SHARE_BEFORE = new Set(['by', 'nearly', 'almost', 'about', 'roughly', 'around', 'than', 'over', 'under', 'just', 'some', 'only', 'cut', 'fell', 'rose']);
const SHARE_AFTER = new Set(['of', 'as', 'fewer', 'less', 'more', 'lower', 'higher']);
/** How near an approximate or round figure may be to a precise one and still agree. */
const POINTS_APART = 5;
const RELATIVE_APART = 0.15;

/** The distinct quantities of a text, normalised ("18000000", "87%"). */
export function quantitiesOf(text: string): string[] {
  const words = text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1').match(/\d+(?:\.\d+)?|[a-z]+|%/g) ?? [];
  const found = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const share = readShare(words, i);
    if (share) {
      found.add(`~${Number(share.percent.toPrecision(3))}%`);
      i = share.end;
      continue;
    }
    const read = readQuantity(words, i);
    if (!read) continue;
    i = read.end;
    const { value, percent } = read;
    if (!percent && Number.isInteger(value) && value <= 10) continue;
    if (!percent && Number.isInteger(value) && value >= 1900 && value <= 2100) continue;
    found.add(`${Number(value.toPrecision(6))}${percent ? '%' : ''}`);
  }
  return [...found];
}

function readQuantity(words: readonly string[], i: number): { value: number; percent: boolean; end: number } | undefined {
  const first = words[i]!;
  let value: number;
  let end = i;
  const code = first.charCodeAt(0);
  const numeral = code >= 48 && code <= 57;
  if (numeral) value = parseFloat(first);
  else if (UNITS.has(first)) value = UNITS.get(first)!;
  else if (TENS.has(first)) {
    value = TENS.get(first)!;
    const unit = UNITS.get(words[i + 1] ?? '');
    if (unit !== undefined && unit > 0 && unit < 10) {
      value += unit;
      end++;
    }
  } else return undefined;
  if (words[end + 1] === 'and' && words[end + 2] === 'a' && words[end + 3] === 'half') {
    value += 0.5;
    end += 3;
  }
  // "m" and "k" are scales only straight after a numeral ("18m"), not after "eight".
  for (let scale = SCALES.get(words[end + 1] ?? ''); scale !== undefined; scale = SCALES.get(words[end + 1] ?? '')) {
    if ((words[end + 1] === 'm' || words[end + 1] === 'k') && !numeral) break;
    value *= scale;
    end++;
  }
  const next = words[end + 1] ?? '';
  let percent = false;
  if (PERCENT.has(next)) {
    percent = true;
    end++;
  } else if (next === 'per' && words[end + 2] === 'cent') {
    percent = true;
    end += 2;
  }
  return { value, percent, end };
}

/** A share in words at `i`, as an approximate percentage: "halved", "two thirds", "nearly half", "by a third", "one in five". */
function readShare(words: readonly string[], i: number): { percent: number; end: number } | undefined {
  const word = words[i]!;
  if (HALVING.has(word) && !(word === 'halves' && /^(first|second|both|two)$/.test(words[i - 1] ?? ''))) return { percent: 50, end: i };
  const before = words[i - 1] ?? '';
  const count = UNITS.get(word) ?? (/^\d$/.test(word) ? Number(word) : undefined);
  // "one in five", "3 in 10"
  if (count !== undefined && count > 0 && words[i + 1] === 'in') {
    const of = UNITS.get(words[i + 2] ?? '') ?? (/^\d+$/.test(words[i + 2] ?? '') ? Number(words[i + 2]) : undefined);
    if (of !== undefined && of > count && of <= 10) return { percent: (100 * count) / of, end: i + 2 };
  }
  // "two thirds", "three quarters": a count above one makes it a share.
  if (count !== undefined && count > 1 && count < 10) {
    const parts = FRACTIONS.get(words[i + 1] ?? '');
    if (parts !== undefined && parts > count) return { percent: (100 * count) / parts, end: i + 1 };
  }
  // "a third", "one quarter", "half": a share only where the words around say so.
  const parts = FRACTIONS.get(word);
  if (parts === undefined || word === 'halves') return undefined;
  const article = before === 'a' || before === 'one';
  if (!article && parts !== 2) return undefined;
  const lead = article ? (words[i - 2] ?? '') : before;
  if (SHARE_BEFORE.has(lead) || SHARE_AFTER.has(words[i + 1] ?? '')) return { percent: 100 / parts, end: i };
  return undefined;
}

interface Figure {
  value: number;
  percent: boolean;
  /** Approximate ("~50%") or round ("3000"): may meet a figure near it. */
  loose: boolean;
}

function figureOf(written: string): Figure {
  const approximate = written.startsWith('~');
  const percent = written.endsWith('%');
  const value = parseFloat(written.slice(approximate ? 1 : 0));
  return { value, percent, loose: approximate || isRound(value) };
}

/** One significant figure: 40, 3000, 2000000. */
function isRound(value: number): boolean {
  if (!Number.isInteger(value) || value < 20) return false;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return value % magnitude === 0;
}

/** Whether two figures (as `quantitiesOf` writes them) can state the same thing. */
export function figuresAgree(a: string, b: string): boolean {
  if (a === b) return true;
  const x = figureOf(a);
  const y = figureOf(b);
  if (x.percent !== y.percent || !(x.loose || y.loose)) return false;
  if (x.percent) return Math.abs(x.value - y.value) <= POINTS_APART;
  return Math.abs(x.value - y.value) <= RELATIVE_APART * Math.max(x.value, y.value);
}
