// A partner's usage report as it is answered: JSON (snake_case, as the rest
// of the API), CSV (RFC 4180) and the range it covers. The admin route
// (http/admin/partners.ts) and `wirefeed partners usage` (cli/partners.ts)
// both print it from here, so that they say the same.
import type { UsageArticle, UsageDay } from '../../store/partners.js';

/** The longest range one report covers: a year, leap day included. */
export const MAX_REPORT_DAYS = 366;

export interface UsageReport {
  partner: string;
  from: string;
  to: string;
  days: UsageDay[];
  articles: UsageArticle[];
}

/** Which list a CSV holds: one table per file. */
export type CsvPart = 'days' | 'articles';

const DAY_MS = 86_400_000;

/** A 'YYYY-MM-DD' that names a real day, or undefined. */
export function parseDay(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const at = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to March: only a day that reads back the same is one.
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === value ? value : undefined;
}

/** What is wrong with the range from `from` to `to` (both included), or undefined. */
export function rangeProblem(from: string, to: string): string | undefined {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) return 'to must not be before from';
  if (days > MAX_REPORT_DAYS) return `the range from from to to must be at most ${MAX_REPORT_DAYS} days`;
  return undefined;
}

/** The first and last day of a month given as 'YYYY-MM', or undefined. */
export function monthRange(month: string): { from: string; to: string } | undefined {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) return undefined;
  const last = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0));
  return { from: `${month}-01`, to: last.toISOString().slice(0, 10) };
}

export function usageJson(report: UsageReport) {
  return {
    partner: report.partner,
    from: report.from,
    to: report.to,
    days: report.days.map((d) => ({ day: d.day, requests: d.requests, bytes: d.bytes, not_modified: d.notModified, articles: d.articles })),
    articles: report.articles.map((a) => ({ id: a.id, title: a.title ?? null, first_at: a.firstAt.toISOString(), route: a.route, format: a.format })),
  };
}

/** The rows of one part, with its header first, as strings (a missing title is empty). */
export function usageRows(report: UsageReport, part: CsvPart): string[][] {
  if (part === 'days') {
    return [
      ['day', 'requests', 'bytes', 'not_modified', 'articles'],
      ...report.days.map((d) => [d.day, String(d.requests), String(d.bytes), String(d.notModified), String(d.articles)]),
    ];
  }
  return [
    ['id', 'title', 'first_at', 'route', 'format'],
    ...report.articles.map((a) => [String(a.id), a.title ?? '', a.firstAt.toISOString(), a.route, a.format]),
  ];
}

/** One part as CSV: RFC 4180, CRLF line ends, a header row. */
export function usageCsv(report: UsageReport, part: CsvPart): string {
  return usageRows(report, part).map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/**
 * A field quoted when it holds a comma, a quote or a line break (RFC 4180
 * 2.6, 2.7). A title is an upstream's text: one that a spreadsheet would
 * read as a formula (=, +, -, @ first) gets a leading apostrophe, so that
 * opening the report never runs it (OWASP, "CSV Injection").
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
