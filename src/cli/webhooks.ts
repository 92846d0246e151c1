// `wirefeed partners webhook NAME [--url URL | --remove | --ping]` and
// `wirefeed partners webhook-log NAME`: a partner's webhook (issue 21), as
// the admin API's /admin/partners/{name}/webhook routes do it. The secret is
// printed once, when a URL is set; the worker in `serve`'s writer sends the
// deliveries, a ping queued here included, whichever process queued them.
import { CliError, type CliIo, start } from './common.js';
import { table } from './output.js';
import { UnsafeUrlError } from '../ingest/fetch/ssrf.js';
import { redactUrl } from '../observe/redact.js';
import { findPartnerByName } from '../store/partners.js';
import { deliveryCounts, recentAttempts } from '../store/webhooks/deliveries.js';
import { findWebhook, removeWebhook, setWebhook } from '../store/webhooks/endpoints.js';
import { queuePing } from '../store/webhooks/events.js';
import { eventId } from '../webhooks/payload.js';
import { assertWebhookUrl } from '../webhooks/url.js';

export async function partnerWebhookCommand(io: CliIo, name: string, opts: { url?: string; remove?: boolean; ping?: boolean }): Promise<void> {
  if ([opts.url !== undefined, opts.remove, opts.ping].filter(Boolean).length > 1) throw new CliError('partners webhook: give one of --url, --remove and --ping');
  const ctx = start(io, 'warn');
  try {
    const partner = findPartnerByName(ctx.db, name);
    if (!partner) throw new CliError(`partners webhook: no partner named "${name}"`);
    if (opts.remove) {
      if (!removeWebhook(ctx.db, partner.id)) throw new CliError(`partners webhook: ${name} has no webhook`);
      return void io.out(`Removed the webhook of ${name}; what was still owed to it is canceled.`);
    }
    if (opts.ping) {
      if (partner.revokedAt) throw new CliError(`partners webhook: ${name} was revoked`);
      const hook = findWebhook(ctx.db, partner.id);
      // queuePing checks again, in its transaction: the webhook may be removed meanwhile by another process.
      const ping = hook && queuePing(ctx.db, partner.id);
      if (!hook || !ping) throw new CliError(`partners webhook: ${name} has no webhook`);
      io.out(`Queued a webhook.ping to ${name} at ${redactUrl(hook.url)}: event ${eventId(ping)} (sequence ${ping.id}).`);
      io.out(`The writer of \`wirefeed serve\` sends it (within a second while it runs); see \`wirefeed partners webhook-log ${JSON.stringify(name)}\`.`);
      return;
    }
    if (opts.url !== undefined) {
      if (partner.revokedAt) throw new CliError(`partners webhook: ${name} was revoked`);
      try {
        await assertWebhookUrl(ctx, opts.url);
      } catch (err) {
        if (!(err instanceof UnsafeUrlError)) throw err;
        throw new CliError(`partners webhook: --url: ${err.message}`);
      }
      const secret = setWebhook(ctx.db, partner.id, opts.url) as string;
      io.out(`Webhook of ${name}: ${redactUrl(opts.url)}`);
      io.out(`Secret (shown this once; give it to the partner to check the Wirefeed-Signature header): ${secret}`);
      return;
    }
    const hook = findWebhook(ctx.db, partner.id);
    if (!hook) return void io.out(`${name} has no webhook.`);
    const counts = deliveryCounts(ctx.db, partner.id);
    io.out(`Webhook of ${name}: ${redactUrl(hook.url)} (since ${hook.since.toISOString()})`);
    io.out(`Deliveries: ${Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')}`);
  } finally {
    ctx.db.close();
  }
}

export function webhookLogCommand(io: CliIo, name: string, opts: { limit?: string }): void {
  const limit = Number(opts.limit ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliError(`partners webhook-log: --limit must be a whole number from 1 to 500`);
  const ctx = start(io, 'warn');
  try {
    const partner = findPartnerByName(ctx.db, name);
    if (!partner) throw new CliError(`partners webhook-log: no partner named "${name}"`);
    const rows = recentAttempts(ctx.db, partner.id, limit).map((a) => [
      a.sentAt.toISOString(),
      String(a.eventId),
      a.type,
      a.articleId === undefined ? '-' : String(a.articleId),
      String(a.attempt),
      a.status === undefined ? '-' : String(a.status),
      `${a.durationMs} ms`,
      a.error ?? 'delivered',
      a.state,
    ]);
    if (rows.length === 0) return void io.out(`No webhook requests to ${name} yet.`);
    io.out(table(['sent', 'event', 'type', 'article', 'attempt', 'status', 'duration', 'result', 'delivery'], rows));
  } finally {
    ctx.db.close();
  }
}
