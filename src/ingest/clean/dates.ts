// Reads the dates feeds write: RFC 3339 / ISO 8601 and RFC 822 (with the
// zone names real feeds use), always to a UTC instant, never in the
// machine's own time zone. Anything else is undefined: normalize then takes
// the time the item was first seen.

// RFC 3339 / ISO 8601: a date, optionally a time (after "T", or a space as
// many feeds write it), optionally a zone. A date-time without a zone would
// be read in the machine's own time zone; feeds mean UTC far more often, and
// UTC does not vary by host.
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

// W3C-DTF (the profile of ISO 8601 that Dublin Core dates use) also allows
// a year alone or a year and month: the first instant of that period, UTC.
const W3DTF_PARTIAL = /^(\d{4})(?:-(\d{2}))?$/;

// ISO 8601's basic format, without separators: "20261117" or "20261117T081500Z".
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/i;

// RFC 822 section 5 as updated by RFC 1123 and RFC 5322 section 3.3:
// "[Tue,] 17 Nov 2026 08:15[:00] +0100". Real feeds also drop the comma,
// spell the month out or in lower case, and leave the zone off (read as UTC).
const RFC822_DATE = /^(?:([a-z]+),?\s)?(\d{1,2})\s([a-z]+)\.?\s(\d{2}|\d{4})\s(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([+-]\d{2}:?\d{2}|[a-z]+))?$/i;

// C's asctime() and date(1): "Tue Nov 17 08:15:00 2026", or with a zone
// before the year, "Tue Nov 17 08:15:00 UTC 2026". Some feed generators write
// dates straight from these; the Universal Feed Parser reads them, as UTC when
// no zone is named.
const ASCTIME_DATE = /^([a-z]+),? ([a-z]+)\.? (\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ([+-]\d{2}:?\d{2}|[a-z]+))? (\d{4})$/i;

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
  const iso = trimmed.match(ISO_DATE);
  if (iso) return isoDate(iso[1] as string, iso[2], iso[3]);
  const partial = trimmed.match(W3DTF_PARTIAL);
  if (partial) return isoDate(`${partial[1]}-${partial[2] ?? '01'}-01`, undefined, undefined);
  const basic = trimmed.match(ISO_BASIC);
  if (basic) {
    const [, y, mo, d, h, mi, sec, zone] = basic;
    return isoDate(`${y}-${mo}-${d}`, h === undefined ? undefined : `${h}:${mi}:${sec ?? '00'}`, zone);
  }
  const rfc = trimmed.match(RFC822_DATE);
  if (rfc) return rfc822Date(rfc);
  const asc = trimmed.match(ASCTIME_DATE);
  if (!asc) return undefined;
  // The same fields in RFC 822's order: day name, day, month, year, hour, minute, second, zone.
  const [whole, dayName, monthName, day, hour, minute, second, zone, year] = asc;
  return rfc822Date([whole, dayName, day, monthName, year, hour, minute, second, zone] as unknown as RegExpMatchArray);
}

function isoDate(day: string, time: string | undefined, zone: string | undefined): Date | undefined {
  // V8 rolls "2026-02-30" over into March; a day that does not round-trip is not a day.
  const midnight = valid(new Date(`${day}T00:00:00Z`));
  if (midnight?.toISOString().slice(0, 10) !== day) return undefined;
  if (!time) return midnight;
  const offset = zone?.toUpperCase() === 'Z' || !zone ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return valid(new Date(`${day}T${time}${offset}`));
}

function rfc822Date(match: RegExpMatchArray): Date | undefined {
  const [, dayName, day, monthName, year, hour, minute, second, zone] = match;
  if (dayName && !DAYS.includes(dayName.slice(0, 3).toLowerCase())) return undefined;
  const month = monthIndex(monthName as string);
  const offset = zoneOffset(zone);
  if (month === undefined || offset === undefined) return undefined;
  // RFC 5322 section 4.3: a two-digit year 00-49 is 2000-2049, 50-99 is 1950-1999.
  const y = Number(year);
  const fullYear = year?.length === 2 ? (y < 50 ? 2000 + y : 1900 + y) : y;
  const [d, h, m, sec] = [day, hour, minute, second ?? '0'].map(Number) as [number, number, number, number];
  const utc = new Date(Date.UTC(fullYear, month, d, h, m, sec));
  // Date.UTC rolls "31 Nov" over into December and 25:00 into the next day: such a date is not one.
  if (utc.getUTCDate() !== d || utc.getUTCHours() !== h || utc.getUTCMinutes() !== m || utc.getUTCSeconds() !== sec) return undefined;
  return new Date(utc.getTime() - offset * 60_000);
}

/** "Nov", "nov", "November" and "Sept" name a month; anything else does not. */
function monthIndex(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((m) => lower === m || lower === m.slice(0, 3));
  return index === -1 ? (lower === 'sept' ? 8 : undefined) : index;
}

/** Minutes east of UTC for "+0530", "+05:30", "-0000" (RFC 5322: UTC, local zone unknown) or a known name; no zone is UTC. */
function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const numeric = zone.match(/^([+-])(\d{2}):?(\d{2})$/);
  if (!numeric) return ZONES[zone.toUpperCase()];
  const [, sign, hours, minutes] = numeric;
  if (Number(minutes) > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

function valid(date: Date): Date | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date;
}
