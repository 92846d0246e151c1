// An entry's enclosures, checked: what normalize hands over has its URL
// resolved (absolute http(s), or nothing) and its title as plain text; this
// gives each a media type, reads its length and duration, and keeps the
// first ten that are not pictures. Pictures are the entry's image, published
// with caption and credit (normalize.ts); listing them again would show a
// reader the same picture twice.
import type { Enclosure } from '../../model.js';
import { isImageEnclosure, mediaTypeFromUrl } from '../../media-types.js';

/** What normalize resolved; type, length and duration still as written. */
export interface ResolvedEnclosure {
  url: string | undefined;
  type?: string;
  length?: string;
  title?: string;
  duration?: string;
}

/** Enough for a podcast's item (episode, transcript, chapters) or a story's clips; a feed with fifty is not asking for them all to be carried. */
export const MAX_ENCLOSURES = 10;

/** Longer URLs are a bloat attack, not a media file: browsers and servers stop well before this. */
const MAX_URL_LENGTH = 4096;
const MAX_TITLE_LENGTH = 300;

// RFC 6838 4.2: type "/" subtype, each a restricted name of at most 127
// characters. Parameters (RFC 2045 5.1, "; charset=…") are dropped first.
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** RFC 2046 4.5.1: "arbitrary binary data", what a media type we cannot tell is. */
const UNKNOWN_TYPE = 'application/octet-stream';

export function cleanEnclosures(enclosures: readonly ResolvedEnclosure[]): Enclosure[] {
  const kept: Enclosure[] = [];
  const seen = new Set<string>();
  for (const e of enclosures) {
    if (kept.length === MAX_ENCLOSURES) break;
    const { url } = e;
    if (url === undefined || url.length > MAX_URL_LENGTH || seen.has(url)) continue;
    const type = mediaType(e.type) ?? mediaTypeFromUrl(url) ?? UNKNOWN_TYPE;
    if (isImageEnclosure(url, type)) continue;
    seen.add(url);
    const length = wholeNumber(e.length);
    const duration = seconds(e.duration);
    kept.push({
      url,
      type,
      // Feeds write length="0" when they do not know it: the same as none.
      ...(length ? { length } : {}),
      ...(e.title ? { title: e.title.slice(0, MAX_TITLE_LENGTH) } : {}),
      ...(duration !== undefined ? { durationSeconds: duration } : {}),
    });
  }
  return kept;
}

/** A media type in lower case without parameters, or undefined when `value` is not one. */
export function mediaType(value: string | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type && MEDIA_TYPE.test(type) ? type : undefined;
}

/** Digits only ("1,234", "-1" and "12.5" are not a byte count), within what a number holds exactly. */
function wholeNumber(value: string | undefined): number | undefined {
  const digits = value?.trim();
  if (!digits || !/^\d{1,16}$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** JSON Feed's duration_in_seconds: a non-negative number, fractions allowed. */
function seconds(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d{1,12}(\.\d{1,6})?$/.test(text)) return undefined;
  return Number(text);
}
