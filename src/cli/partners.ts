// `wirefeed partners add | list | revoke`: syndication partners' keys.
import { CliError, type CliIo, start } from './common.js';
import { table } from './output.js';
import { createPartner, listPartners, revokePartner } from '../store/partners.js';

export function addPartner(io: CliIo, name: string, opts: { categories?: string; fullText?: boolean }): void {
  const ctx = start(io, 'warn');
  try {
    const categories = (opts.categories ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    const known = new Set(ctx.cfg.categories.map((c) => c.slug));
    const unknown = categories.filter((c) => !known.has(c));
    if (unknown.length) throw new CliError(`partners add: unknown categor${unknown.length === 1 ? 'y' : 'ies'}: ${unknown.join(', ')}`);
    if (listPartners(ctx.db).some((p) => p.name === name)) throw new CliError(`partners add: a partner named "${name}" exists already`);
    const { partner, key } = createPartner(ctx.db, name, { fullText: opts.fullText === true, categories });
    io.out(`Added partner ${partner.name} (${tierOf(partner)}).`);
    io.out(`Key (shown this once; only its hash is kept): ${key}`);
    io.out(`Use it as "Authorization: Bearer ${key}" or ?key=${key}`);
  } finally {
    ctx.db.close();
  }
}

export function listPartnersCommand(io: CliIo): void {
  const ctx = start(io, 'warn');
  try {
    const rows = listPartners(ctx.db).map((p) => [
      String(p.id),
      p.name,
      `${p.keyPrefix}…`,
      tierOf(p),
      String(p.requests),
      p.lastRequestAt?.toISOString() ?? '-',
      p.revokedAt ? `revoked ${p.revokedAt.toISOString()}` : 'active',
    ]);
    io.out(table(['id', 'partner', 'key', 'tier', 'requests', 'last request', 'status'], rows));
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

function tierOf(p: { fullText: boolean; categories: string[] }): string {
  return `${p.fullText ? 'full text' : 'summaries'}, ${p.categories.length ? p.categories.join(' ') : 'all categories'}`;
}
