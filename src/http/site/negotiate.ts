// Whether a request for a feed (or an article's JSON) is a browser's
// navigation, to be answered with an HTML page instead. Browsers ask for
// `text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8` (Chrome,
// Firefox, Safari alike); feed readers ask for their feed types, `*/*`, or
// send no Accept at all. The rule: HTML only when Accept gives text/html a
// strictly higher quality than every machine-readable type the client could
// be after (for a feed URL: any feed type, XML or JSON, whichever format the
// URL names, since a reader that lists Atom may be handed a JSON Feed URL),
// each scored by the most specific range that matches it (RFC 9110 12.5.1).
// A tie, a missing or unreadable header, goes to the feed: no feed reader is
// ever sent a page.

/** Accept values seen are few; each is read once. */
const parsed = new Map<string, Range[]>();
const MAX_REMEMBERED = 256;

interface Range {
  type: string;
  subtype: string;
  q: number;
}

/** What a feed URL may be asked for as by a feed reader. */
export const feedTypes: readonly string[] = ['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/xml', 'text/xml', 'application/json'];

/** What /articles/{id} is asked for as by an API client. */
export const jsonTypes: readonly string[] = ['application/json'];

/** Whether Accept ranks text/html above every one of `machineTypes` (parameters such as `; charset=utf-8` are ignored). */
export function prefersHtml(accept: string | undefined, machineTypes: readonly string[]): boolean {
  if (!accept) return false;
  const ranges = rangesOf(accept);
  const html = qualityOf(ranges, 'text/html');
  return html > 0 && machineTypes.every((type) => qualityOf(ranges, type) < html);
}

/** The quality Accept gives `mediaType`: that of the most specific matching range, 0 when none matches. */
function qualityOf(ranges: Range[], mediaType: string): number {
  const [type, subtype] = (mediaType.split(';')[0] ?? '').trim().toLowerCase().split('/');
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return q;
}

function rangesOf(accept: string): Range[] {
  let ranges = parsed.get(accept);
  if (ranges) return ranges;
  ranges = [];
  // Past a few dozen ranges a header is junk; what is read of it still counts.
  for (const part of accept.split(',').slice(0, 64)) {
    const [range, ...params] = part.split(';');
    const match = /^\s*([\w.+*-]+)\/([\w.+*-]+)\s*$/.exec(range ?? '');
    if (!match) continue;
    const qParam = params.find((p) => /^\s*q\s*=/i.test(p));
    const qValue = qParam === undefined ? '1' : /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(qParam)?.[1];
    // A quality that is not one (`q=x`) makes the range unreadable: it is left out.
    if (qValue === undefined) continue;
    const q = Number(qValue);
    ranges.push({ type: match[1]!.toLowerCase(), subtype: match[2]!.toLowerCase(), q: Math.min(q, 1) });
  }
  if (parsed.size >= MAX_REMEMBERED) parsed.clear();
  parsed.set(accept, ranges);
  return ranges;
}
