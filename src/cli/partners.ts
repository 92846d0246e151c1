// `wirefeed partners add | list | update | revoke | usage`: syndication partners'
// keys, and a partner's usage report for a month. (Their webhooks: webhooks.ts.)
import { CliError, type CliIo, start } from './common.js';
import { table } from './output.js';
import { monthRange, usageCsv, usageRows } from '../publish/reports/usage.js';
import { redactUrl } from '../observe/redact.js';
import { createPartner, findPartnerByName, listPartners, partnerUsageReport, revokePartner, setPartnerEmbargoed } from '../store/partners.js';
import { webhookSummaries } from '../store/webhooks/endpoints.js';

export function addPartner(io: CliIo, name: string, opts: { categories?: string; fullText?: boolean; embargoed?: boolean }): void {
  const ctx = start(io, 'warn');
  try {
    const categories = (opts.categories ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    const known = new Set(ctx.cfg.categories.map((c) => c.slug));
    const unknown = categories.filter((c) => !known.has(c));
    if (unknown.length) throw new CliError(`partners add: unknown categor${unknown.length === 1 ? 'y' : 'ies'}: ${unknown.join(', ')}`);
    if (listPartners(ctx.db).some((p) => p.name === name)) throw new CliError(`partners add: a partner named "${name}" exists already`);
    const { partner, key } = createPartner(ctx.db, name, { fullText: opts.fullText === true, categories, embargoed: opts.embargoed === true });
    io.out(`Added partner ${partner.name} (${tierOf(partner)}).`);
    io.out(`Key (shown this once; only its hash is kept): ${key}`);
    io.out(`Use it as "Authorization: Bearer ${key}" or ?key=${key}`);
  } finally {
    ctx.db.close();
  }
}

/** `partners update NAME --embargoed | --no-embargoed`: the permission to receive embargoed articles before their time. */
export function updatePartnerCommand(io: CliIo, name: string, opts: { embargoed?: boolean }): void {
  if (opts.embargoed === undefined) throw new CliError('partners update: say what to change (--embargoed or --no-embargoed)');
  const ctx = start(io, 'warn');
  try {
    if (!setPartnerEmbargoed(ctx.db, name, opts.embargoed)) throw new CliError(`partners update: no partner "${name}"`);
    const partner = findPartnerByName(ctx.db, name)!;
    io.out(`Partner ${partner.name}: ${tierOf(partner)}.`);
  } finally {
    ctx.db.close();
  }
}

/** Each partner's key prefix, tier, request count and status, and its webhook with what is owed to it or was given up. */
export function listPartnersCommand(io: CliIo): void {
  const ctx = start(io, 'warn');
  try {
    const hooks = webhookSummaries(ctx.db);
    const rows = listPartners(ctx.db).map((p) => {
      const hook = hooks.get(p.id);
      return [
        String(p.id),
        p.name,
        `${p.keyPrefix}…`,
        tierOf(p),
        String(p.requests),
        p.lastRequestAt?.toISOString() ?? '-',
        p.revokedAt ? `revoked ${p.revokedAt.toISOString()}` : 'active',
        // Last: a URL is the widest cell. Never the secret; credentials in the URL masked.
        hook ? `${redactUrl(hook.url)} (${hook.pending} pending, ${hook.abandoned} abandoned)` : '-',
      ];
    });
    io.out(table(['id', 'partner', 'key', 'tier', 'requests', 'last request', 'status', 'webhook'], rows));
  } finally {
    ctx.db.close();
  }
}

export function revokePartnerCommand(io: CliIo, name: string): void {
  const ctx = start(io, 'warn');
  try {
    if (!revokePartner(ctx.db, name)) throw new CliError(`partners revoke: no active partner named "${name}"`);
    io.out(`Revoked the key of ${name}.`);
  } finally {
    ctx.db.close();
  }
}

/**
 * A partner's usage in one UTC month (the current one by default): its days
 * and the articles it first received, as tables; as CSV with `csv`, the
 * days or (`articles`) the articles, as the admin route answers them.
 */
export function partnerUsageCommand(io: CliIo, name: string, opts: { month?: string; csv?: boolean; articles?: boolean }): void {
  const month = opts.month ?? new Date().toISOString().slice(0, 7);
  const range = monthRange(month);
  if (!range) throw new CliError(`partners usage: --month must be a month as YYYY-MM, not "${month}"`);
  const ctx = start(io, 'warn');
  try {
    const partner = findPartnerByName(ctx.db, name);
    if (!partner) throw new CliError(`partners usage: no partner named "${name}"`);
    const report = { partner: partner.name, ...range, ...partnerUsageReport(ctx.db, partner.id, range.from, range.to) };
    if (opts.csv) return void io.out(usageCsv(report, opts.articles ? 'articles' : 'days').trimEnd());
    const [dayHeader = [], ...days] = usageRows(report, 'days');
    const [articleHeader = [], ...articles] = usageRows(report, 'articles');
    io.out(`Usage of ${partner.name}, ${range.from} to ${range.to} (UTC):`);
    io.out(days.length ? table(dayHeader, days) : 'No requests.');
    io.out('');
    io.out(articles.length ? table(articleHeader, articles) : 'No articles received.');
  } finally {
    ctx.db.close();
  }
}

function tierOf(p: { fullText: boolean; categories: string[]; embargoed: boolean }): string {
  return `${p.fullText ? 'full text' : 'summaries'}, ${p.categories.length ? p.categories.join(' ') : 'all categories'}${p.embargoed ? ', embargoed early' : ''}`;
}
