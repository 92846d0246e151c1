// GET /status: source health at a glance, for an editor in a browser: one
// row per source with its status, HTTP status, last fetch, next due, errors
// in a row, last error and article count. The same facts as `wirefeed
// sources`, except that a last error is shown by its kind and HTTP status
// only (source-error.ts): its text names upstream URLs. Everything printed
// is escaped: names come from upstream feeds and configuration.
import { Router } from 'express';
import type { Context } from '../context.js';
import { listSourceHealth, type SourceHealth } from '../store/sources.js';
import { publicSourceError } from '../publish/source-error.js';
import { sendHtml } from './html.js';
import { escapeHtml } from './pages.js';

export function statusRoutes(ctx: Context): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    sendHtml(res, statusPage(ctx.cfg.site.title, ctx.cfg.site.baseUrl, listSourceHealth(ctx.db), new Date()));
  });
  return router;
}

/** The word shown for a source's state, as `wirefeed sources` prints it. */
function statusOf(s: SourceHealth): string {
  if (!s.enabled) return 'disabled';
  if (s.goneAt) return 'gone';
  return s.lastStatus ?? 'never fetched';
}

function time(at: Date | undefined): string {
  if (!at) return '–';
  const iso = at.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function row(base: string, s: SourceHealth): string {
  const status = statusOf(s);
  const cells = [
    `<a href="${escapeHtml(`${base}/feeds/sources/${s.slug}.rss`)}">${escapeHtml(s.name)}</a> <small>${escapeHtml(s.slug)}</small>`,
    escapeHtml(status),
    s.httpStatus === undefined ? '–' : String(s.httpStatus),
    time(s.lastFetchedAt),
    // A source never fetched, or no longer fetched, has no meaningful next time.
    time(s.enabled && !s.goneAt && s.lastFetchedAt ? s.nextDueAt : undefined),
    String(s.errorCount),
    escapeHtml(publicSourceError(s.lastErrorKind, s.httpStatus) ?? ''),
    String(s.articleCount),
  ];
  return `<tr id="source-${escapeHtml(s.slug)}"${status === 'error' || status === 'gone' ? ' class="failing"' : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

function statusPage(title: string, base: string, sources: SourceHealth[], now: Date): string {
  const failing = sources.filter((s) => statusOf(s) === 'error').length;
  const disabled = sources.filter((s) => !s.enabled).length;
  const gone = sources.filter((s) => statusOf(s) === 'gone').length;
  const summary = `${sources.length} source${sources.length === 1 ? '' : 's'}: ${failing} failing, ${disabled} disabled${gone ? `, ${gone} gone` : ''}.`;
  const headings = ['Source', 'Status', 'HTTP', 'Last fetch', 'Next due', 'Errors in a row', 'Last error', 'Articles'];
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <meta http-equiv="refresh" content="60">
  <title>${escapeHtml(title)}: source status</title>
  <style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}th,td{text-align:left;vertical-align:top;padding:.3rem .6rem;border-bottom:1px solid #ddd}td:nth-child(7){max-width:28rem;overflow-wrap:anywhere}small{color:#666}tr.failing td:nth-child(2){color:#a40000;font-weight:600}a{color:#0b5cad}</style>
</head>
<body>
<h1>${escapeHtml(title)}: source status</h1>
<p>${summary} As of ${time(now)}; this page reloads every minute.</p>
<table>
<thead><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${sources.map((s) => row(base, s)).join('\n')}
</tbody>
</table>
</body>
</html>
`;
}
