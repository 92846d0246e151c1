// The day a report says its event happened, read from its lead: "on
// Monday", "yesterday", "this morning", "3 November", resolved against the
// report's publication time. Two reports of one event name the same day
// even when published a day apart ("on Monday" in both); a follow-up names
// the later day of its own news. The latest day the lead names is taken: a
// follow-up recalls the earlier event too, and its own is the newer. A
// weekday followed by a date ("Thursday 5 November") is that date.

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAY_MS = 86_400_000;
const MONTH = MONTHS.join('|');
const DAY_WORDS = new RegExp(
  `\\b(?:(yesterday|last night)|(today|tonight|this morning|this afternoon|this evening|overnight)|(last )?(${WEEKDAYS.join('|')})(?! \\d)|(\\d{1,2})(?:st|nd|rd|th)? (${MONTH})|(${MONTH}) (\\d{1,2})(?:st|nd|rd|th)?)\\b`,
  'g',
);
/** A date named further than this from publication is the background of the story, not its news. */
const NEAR_MS = 14 * DAY_MS;

/** The latest day (UTC, "yyyy-mm-dd") the lead names, or undefined when it names none. */
export function eventDayOf(lead: string, publishedAt: number): string | undefined {
  let latest: number | undefined;
  for (const m of lead.toLowerCase().matchAll(DAY_WORDS)) {
    const day = resolve(m, publishedAt);
    if (day !== undefined && (latest === undefined || day > latest)) latest = day;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString().slice(0, 10);
}

function resolve(m: RegExpMatchArray, publishedAt: number): number | undefined {
  const [, yesterday, today, last, weekday, dayA, monthA, monthB, dayB] = m;
  if (yesterday) return publishedAt - DAY_MS;
  if (today) return publishedAt;
  if (weekday) {
    // The most recent such day, today included ("on Monday" in a Monday paper), or a week back after "last".
    let back = (new Date(publishedAt).getUTCDay() - WEEKDAYS.indexOf(weekday) + 7) % 7;
    if (last && back === 0) back = 7;
    return publishedAt - back * DAY_MS;
  }
  const day = Number(dayA ?? dayB);
  const month = MONTHS.indexOf((monthA ?? monthB)!);
  if (day < 1 || day > 31) return undefined;
  const year = new Date(publishedAt).getUTCFullYear();
  // "28 December" in a January paper is last year's.
  const candidates = [year - 1, year, year + 1].map((y) => Date.UTC(y, month, day, 12));
  const nearest = candidates.reduce((a, b) => (Math.abs(b - publishedAt) < Math.abs(a - publishedAt) ? b : a));
  return Math.abs(nearest - publishedAt) <= NEAR_MS ? nearest : undefined;
}
