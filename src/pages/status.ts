// The source status page: one row per source with its status, HTTP status,
// last fetch, next due, errors in a row, last error and article count, for
// an editor in a browser. The same facts as `wirefeed sources`, except that
// a last error is shown by its kind and HTTP status only
// (publish/source-error.ts): its text names upstream URLs.
import { publicSourceError } from '../publish/source-error.js';
import type { SourceHealth } from '../store/sources.js';
import { esc, type PageFeed, layout, type Shell } from './html.js';

export interface StatusPage {
  sources: SourceHealth[];
  now: Date;
  all: PageFeed;
}

/** The word shown for a source's state, as `wirefeed sources` prints it. */
function statusOf(s: SourceHealth): string {
  if (!s.enabled) return 'disabled';
  if (s.goneAt) return 'gone';
  return s.lastStatus ?? 'never fetched';
}

/** "2026-12-05 14:05 UTC": a table column of times reads best at one width. */
function when(at: Date | undefined): string {
  if (!at) return '–';
  const iso = at.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function row(root: string, s: SourceHealth): string {
  const status = statusOf(s);
  const cells = [
    `<a href="${esc(`${root}/sources/${encodeURIComponent(s.slug)}`)}">${esc(s.name)}</a> <small>${esc(s.slug)}</small>`,
    esc(status),
    s.httpStatus === undefined ? '–' : String(s.httpStatus),
    when(s.lastFetchedAt),
    // A source never fetched, or no longer fetched, has no meaningful next time.
    when(s.enabled && !s.goneAt && s.lastFetchedAt ? s.nextDueAt : undefined),
    String(s.errorCount),
    esc(publicSourceError(s.lastErrorKind, s.httpStatus) ?? ''),
    String(s.articleCount),
  ];
  return `<tr id="source-${esc(s.slug)}"${status === 'error' || status === 'gone' ? ' class="failing"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

export function statusPage(shell: Shell, page: StatusPage): string {
  const { sources } = page;
  const failing = sources.filter((s) => statusOf(s) === 'error').length;
  const disabled = sources.filter((s) => !s.enabled).length;
  const gone = sources.filter((s) => statusOf(s) === 'gone').length;
  const summary = `${sources.length} source${sources.length === 1 ? '' : 's'}: ${failing} failing, ${disabled} disabled${gone ? `, ${gone} gone` : ''}.`;
  const headings = ['Source', 'Status', 'HTTP', 'Last fetch', 'Next due', 'Errors in a row', 'Last error', 'Articles'];
  const main = `<h1>Source status</h1>
<p>${summary} As of ${when(page.now)}.</p>
<div class="scroll">
<table class="status">
<thead><tr>${headings.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${sources.map((s) => row(shell.root, s)).join('\n')}
</tbody>
</table>
</div>`;
  // No automatic reload: a page that refreshes itself moves under a screen reader's cursor (WCAG 2.2.1, axe's meta-refresh).
  return layout(shell, { title: `${shell.siteTitle}: source status`, feeds: [page.all], main, noindex: true });
}
