// Reads the dates feeds write: RFC 3339 / ISO 8601 and RFC 822 (with the
// zone names real feeds use), always to a UTC instant, never in the
// machine's own time zone. Anything else is undefined: normalize then takes
// the time the item was first seen.

// A zone as feeds write it: "+0100", "+01:00", "+01", "GMT+01:00", a name,
// or an offset followed by its name ("+0000 GMT").
const ZONE = '(?:(?:gmt|utc|ut)?[+-]\\d{1,2}(?::?\\d{2})?|[a-z]+)(?: [a-z]+)?';

/** The parts of a date as one form writes them; month is a number ("11") or a name ("Nov"). */
interface Parts {
  year: string;
  month: string;
  day: string;
  hour?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  zone?: string;
  dayName?: string;
}

// The forms, tried in order. A date-time without a zone would be read in the
// machine's own time zone by V8; feeds mean UTC far more often, and UTC does
// not vary by host.
const FORMS: { pattern: RegExp; parts: (m: string[]) => Parts }[] = [
  // RFC 3339 / ISO 8601 extended format; a space for "T" and a space before
  // the zone, as many feeds write them; unpadded fields ("2026-1-2").
  {
    pattern: new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:[t ](\\d{1,2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)? ?(z|[+-]\\d{2}(?::?\\d{2})?)?)?$`, 'i'),
    parts: ([, year, month, day, hour, minute, second, fraction, zone]) => ({ year, month, day, hour, minute, second, fraction, zone }) as Parts,
  },
  // W3C-DTF (the profile of ISO 8601 Dublin Core dates use) also allows a
  // year alone or a year and month: the first instant of that period.
  { pattern: /^(\d{4})(?:-(\d{2}))?$/, parts: ([, year, month]) => ({ year, month: month ?? '1', day: '1' }) as Parts },
  // ISO 8601 basic format: "20261117", "20261117T081500Z".
  {
    pattern: /^(\d{4})(\d{2})(\d{2})(?:t(\d{2})(\d{2})(\d{2})?(z|[+-]\d{2}(?::?\d{2})?)?)?$/i,
    parts: ([, year, month, day, hour, minute, second, zone]) => ({ year, month, day, hour, minute, second, zone }) as Parts,
  },
  // RFC 822 section 5 as updated by RFC 1123 and RFC 5322 section 3.3:
  // "[Tue,] 17 Nov 2026 08:15[:00] +0100". Real feeds also drop the comma,
  // spell the month out or in lower case, join the date with dashes
  // ("17-Nov-2026"), and leave off the zone (UTC) or the time (midnight).
  {
    pattern: new RegExp(`^(?:([a-z]+),? ?)?(\\d{1,2})[ -]([a-z]+)\\.?[ -](\\d{2}|\\d{4})(?: (\\d{1,2}):(\\d{1,2})(?::(\\d{1,2}))?(?: ?(${ZONE}))?)?$`, 'i'),
    parts: ([, dayName, day, month, year, hour, minute, second, zone]) => ({ dayName, day, month, year, hour, minute, second, zone }) as Parts,
  },
  // C's asctime() and date(1): "Tue Nov 17 08:15:00 2026", or with a zone
  // before the year, "Tue Nov 17 08:15:00 UTC 2026".
  {
    pattern: new RegExp(`^([a-z]+),? ([a-z]+)\\.? (\\d{1,2}) (\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: (${ZONE}))? (\\d{4})$`, 'i'),
    parts: ([, dayName, month, day, hour, minute, second, zone, year]) => ({ dayName, month, day, hour, minute, second, zone, year }) as Parts,
  },
  // JavaScript's Date.prototype.toString(), which feeds built in JavaScript
  // write: "Tue Nov 17 2026 08:15:00 GMT+0100" (its "(CET)" is a comment).
  {
    pattern: new RegExp(`^([a-z]+) ([a-z]+) (\\d{1,2}) (\\d{4}) (\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: (${ZONE}))?$`, 'i'),
    parts: ([, dayName, month, day, year, hour, minute, second, zone]) => ({ dayName, month, day, year, hour, minute, second, zone }) as Parts,
  },
  // Perforce and some CMSs: "Tue, 2026/11/17 08:15:00 EST".
  {
    pattern: new RegExp(`^(?:([a-z]+),? )?(\\d{4})/(\\d{1,2})/(\\d{1,2}) (\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: (${ZONE}))?$`, 'i'),
    parts: ([, dayName, year, month, day, hour, minute, second, zone]) => ({ dayName, year, month, day, hour, minute, second, zone }) as Parts,
  },
];

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

// Zone names in minutes east of UTC. V8's Date knows only RFC 822's own
// names (UT, GMT, Z and the US zones), so "CEST" or "IST" would make the
// whole date unreadable; feeds in the wild use these. Where a name is
// ambiguous the meaning news feeds use most wins: CST is US Central as in
// RFC 822 (not China), IST is India (not Ireland or Israel), BST is British
// Summer Time. RFC 822's single-letter military zones are left out: RFC 1123
// section 5.2.14 notes they were defined with the wrong sign.
const ZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, BST: 60, IST: 330, JST: 540, AEST: 600, AEDT: 660, NZST: 720,
};

/** A date as feeds write it (RFC 3339, RFC 822 and their common variants), or undefined when it cannot be read. */
export function parseDate(value: string | undefined): Date | undefined {
  // RFC 5322 section 3.2.2 allows a comment after the zone: "+0100 (CET)".
  const trimmed = value?.trim().replace(/\s+/g, ' ').replace(/ ?\([^()]*\)$/, '');
  if (!trimmed) return undefined;
  for (const form of FORMS) {
    const match = form.pattern.exec(trimmed);
    if (match) return fromParts(form.parts(match as string[]));
  }
  return undefined;
}

function fromParts(p: Parts): Date | undefined {
  if (p.dayName && !DAYS.includes(p.dayName.slice(0, 3).toLowerCase())) return undefined;
  const month = /^\d+$/.test(p.month) ? Number(p.month) - 1 : monthIndex(p.month);
  const offset = zoneOffset(p.zone);
  if (month === undefined || month < 0 || month > 11 || offset === undefined) return undefined;
  // RFC 5322 section 4.3: a two-digit year 00-49 is 2000-2049, 50-99 is 1950-1999.
  const y = Number(p.year);
  const year = p.year.length === 2 ? (y < 50 ? 2000 + y : 1900 + y) : y;
  const [d, h, m, sec] = [p.day, p.hour ?? '0', p.minute ?? '0', p.second ?? '0'].map(Number) as [number, number, number, number];
  const ms = p.fraction ? Math.floor(Number(`0${p.fraction}`) * 1000) : 0;
  const utc = new Date(Date.UTC(year, month, d, h, m, sec, ms));
  // Date.UTC maps 0-99 to 1900-1999, and rolls "31 Nov" over into December
  // and 25:00 into the next day: such a date is not one.
  if (utc.getUTCFullYear() !== year || utc.getUTCMonth() !== month || utc.getUTCDate() !== d) return undefined;
  if (utc.getUTCHours() !== h || utc.getUTCMinutes() !== m || utc.getUTCSeconds() !== sec) return undefined;
  return new Date(utc.getTime() - offset * 60_000);
}

/** "Nov", "nov", "November" and "Sept" name a month; anything else does not. */
function monthIndex(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((m) => lower === m || lower === m.slice(0, 3));
  return index === -1 ? (lower === 'sept' ? 8 : undefined) : index;
}

/**
 * Minutes east of UTC for "+0530", "+05:30", "+05", "GMT+05:30", "-0000"
 * (RFC 5322: UTC, local zone unknown), a known name, or an offset with its
 * name after it ("+0000 GMT": the offset counts); no zone is UTC.
 */
function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const written = zone.replace(/^(?:gmt|utc|ut)(?=[+-])/i, '').replace(/^([+-][\d:]+) [a-z]+$/i, '$1');
  const numeric = written.match(/^([+-])(\d{1,2}):?(\d{2})?$/);
  if (!numeric) return ZONES[written.toUpperCase()];
  const [, sign, hours, minutes = '0'] = numeric;
  if (Number(hours) > 14 || Number(minutes) > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}
