// Embargoes: an article held back from the public until a set time, which
// becomes its published time (db/migrations/023_embargoes.sql). The time
// comes from the publisher (the admin API's and the front matter's
// `embargo_until`), or from an upstream marked embargo-aware, whose items
// dated in the future mean "not before then" (any other source's future
// dates are a wrong clock, and are dated now).
import type { ParsedEntry } from '../parse/parsed.js';
import { parseDate } from './dates.js';

/**
 * An upstream's future date further ahead than this is no embargo but a
 * wrong clock or a typo (a year off), and is dated now as for any source.
 */
export const MAX_UPSTREAM_EMBARGO_MS = 30 * 86_400_000;

/** The time the entry is held back until, when that is still ahead of `now`. */
export function embargoOf(entry: Pick<ParsedEntry, 'embargoUntil' | 'published'>, embargoAware: boolean, now: Date): Date | undefined {
  const set = parseDate(entry.embargoUntil);
  if (set) return set > now ? set : undefined;
  if (!embargoAware) return undefined;
  const dated = parseDate(entry.published);
  const ahead = dated ? dated.getTime() - now.getTime() : 0;
  return dated && ahead > 0 && ahead <= MAX_UPSTREAM_EMBARGO_MS ? dated : undefined;
}
