// A partner's usage report (issue 21), named as `wirefeed partners` names
// partners:
//
//   GET /admin/partners/{name}/usage?from=YYYY-MM-DD&to=YYYY-MM-DD
//
// JSON by default; CSV (one table: the days, or with part=articles the
// articles) for `?format=csv` or an Accept that prefers text/csv. The counts
// are written behind (store/partner-usage.ts): a report lags a running
// server by up to publish.partner_counts_flush_seconds.
import { type Request, type Response, Router } from 'express';
import type { Context } from '../../context.js';
import { type CsvPart, parseDay, rangeProblem, usageCsv, usageJson } from '../../publish/reports/usage.js';
import { findPartnerByName, partnerUsageReport } from '../../store/partners.js';
import { sendError } from './input.js';

export function adminPartnerRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/partners/:name/usage', (req, res) => {
    const name = String(req.params.name);
    const partner = findPartnerByName(ctx.db, name);
    if (!partner) return sendError(res, 404, `partner: no partner "${name}"`);
    const from = parseDay(req.query.from);
    if (from === undefined) return sendError(res, 400, 'from must be a day as YYYY-MM-DD', 'from');
    const to = parseDay(req.query.to);
    if (to === undefined) return sendError(res, 400, 'to must be a day as YYYY-MM-DD', 'to');
    const problem = rangeProblem(from, to);
    if (problem) return sendError(res, 400, problem, 'to');
    const format = formatOf(req);
    if (format === undefined) return sendError(res, 400, 'format must be json or csv', 'format');
    const part = req.query.part ?? 'days';
    if (part !== 'days' && part !== 'articles') return sendError(res, 400, 'part must be days or articles', 'part');
    const report = { partner: partner.name, from, to, ...partnerUsageReport(ctx.db, partner.id, from, to) };
    res.set('Cache-Control', 'no-store');
    res.vary('Accept');
    if (format === 'json') return void res.json(usageJson(report));
    sendCsv(res, `${partner.name}-${from}-${to}-${part}`, usageCsv(report, part as CsvPart));
  });

  return router;
}

/** `format` when given; else what Accept prefers of JSON and CSV (JSON when it says nothing). */
function formatOf(req: Request): 'json' | 'csv' | undefined {
  const given = req.query.format;
  if (given !== undefined) return given === 'json' || given === 'csv' ? given : undefined;
  return req.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
}

function sendCsv(res: Response, name: string, body: string): void {
  // RFC 4180 3: text/csv, with its header parameter; a file name a download keeps (RFC 6266).
  const file = `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.csv`;
  res.set('Content-Disposition', `attachment; filename="${file}"`);
  res.type('text/csv; charset=utf-8; header=present').send(body);
}
