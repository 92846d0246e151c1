// The quantities a text states, written one way whatever way the text wrote
// them, so that two reports of one event meet on their figures: "eighteen
// million", "18 million" and "18m" are 18000000; "87 per cent", "87 pct" and
// "87%" are 87%; "six-and-a-half million" is 6500000. Small counts (up to
// ten) and years say little about which event a text reports and are left
// out. Our own, as the packages that read number words (words-to-numbers)
// misread "thirty-eight million" and know nothing of "per cent".

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

/** The distinct quantities of a text, normalised ("18000000", "87%"). */
export function quantitiesOf(text: string): string[] {
  const words = text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1').match(/\d+(?:\.\d+)?|[a-z]+|%/g) ?? [];
  const found = new Set<string>();
  for (let i = 0; i < words.length; i++) {
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
