// A partner's webhook (issue 21), named as `wirefeed partners` names
// partners:
//
//   PUT    /admin/partners/{name}/webhook             {"url": "…"}: set it; answers the new secret, once
//   GET    /admin/partners/{name}/webhook             its URL and deliveries by state, never the secret
//   DELETE /admin/partners/{name}/webhook             remove it; what was owed is canceled
//   GET    /admin/partners/{name}/webhook/deliveries  the latest attempts: when, status or error, duration
//   POST   /admin/partners/{name}/webhook/ping        queue a webhook.ping to it alone; 202 with the event's id
//
// URLs are shown with any credential in them masked (observe/redact.ts).
import { type Response, Router } from 'express';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { UnsafeUrlError } from '../../ingest/fetch/ssrf.js';
import { redactUrl } from '../../observe/redact.js';
import { findPartnerByName, type Partner } from '../../store/partners.js';
import { deliveryCounts, recentAttempts } from '../../store/webhooks/deliveries.js';
import { findWebhook, removeWebhook, setWebhook } from '../../store/webhooks/endpoints.js';
import { queuePing } from '../../store/webhooks/events.js';
import { eventId } from '../../webhooks/payload.js';
import { assertWebhookUrl } from '../../webhooks/url.js';
import { jsonInput, sendError } from './input.js';

const webhookInput = z.object({ url: z.string().trim().min(1) }).strict();
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export function adminWebhookRoutes(ctx: Context): Router {
  const router = Router();

  router.put('/partners/:name/webhook', async (req, res) => {
    const partner = activePartner(ctx, String(req.params.name), res);
    if (!partner) return;
    const input = jsonInput(webhookInput, req, res);
    if (!input) return;
    try {
      await assertWebhookUrl(ctx, input.url);
    } catch (err) {
      if (!(err instanceof UnsafeUrlError)) throw err;
      return sendError(res, 400, `url: ${err.message}`, 'url');
    }
    const existed = findWebhook(ctx.db, partner.id) !== undefined;
    const secret = setWebhook(ctx.db, partner.id, input.url);
    if (secret === undefined) return sendError(res, 404, `partner: "${partner.name}" was revoked`);
    res.set('Cache-Control', 'no-store');
    res.status(existed ? 200 : 201).json({ ...webhookJson(ctx, partner), secret });
  });

  router.get('/partners/:name/webhook', (req, res) => {
    const partner = knownPartner(ctx, String(req.params.name), res);
    if (!partner) return;
    if (!findWebhook(ctx.db, partner.id)) return sendError(res, 404, `partner: "${partner.name}" has no webhook`);
    res.set('Cache-Control', 'no-store').json(webhookJson(ctx, partner));
  });

  router.delete('/partners/:name/webhook', (req, res) => {
    const partner = knownPartner(ctx, String(req.params.name), res);
    if (!partner) return;
    if (!removeWebhook(ctx.db, partner.id)) return sendError(res, 404, `partner: "${partner.name}" has no webhook`);
    res.status(204).end();
  });

  router.get('/partners/:name/webhook/deliveries', (req, res) => {
    const partner = knownPartner(ctx, String(req.params.name), res);
    if (!partner) return;
    const given = req.query.limit;
    const limit = given === undefined ? DEFAULT_LIMIT : Number(given);
    if (typeof given === 'string' && !/^\d{1,4}$/.test(given)) return sendError(res, 400, `limit must be a whole number from 1 to ${MAX_LIMIT}`, 'limit');
    if (!(limit >= 1 && limit <= MAX_LIMIT)) return sendError(res, 400, `limit must be a whole number from 1 to ${MAX_LIMIT}`, 'limit');
    const attempts = recentAttempts(ctx.db, partner.id, limit).map((a) => ({
      event_id: a.eventId,
      type: a.type,
      article_id: a.articleId ?? null,
      attempt: a.attempt,
      sent_at: a.sentAt.toISOString(),
      url: redactUrl(a.url),
      status: a.status ?? null,
      error: a.error ?? null,
      duration_ms: a.durationMs,
      delivery_state: a.state,
    }));
    res.set('Cache-Control', 'no-store').json({ ...webhookJson(ctx, partner), attempts });
  });

  // A test event for the partner's engineer: queued here, sent by the writer's worker (202: not yet sent), to this partner only.
  router.post('/partners/:name/webhook/ping', (req, res) => {
    const partner = activePartner(ctx, String(req.params.name), res);
    if (!partner) return;
    const ping = queuePing(ctx.db, partner.id);
    if (!ping) return sendError(res, 404, `partner: "${partner.name}" has no webhook`);
    res.set('Cache-Control', 'no-store');
    res.status(202).json({
      ...webhookJson(ctx, partner),
      event_id: eventId(ping),
      type: 'webhook.ping',
      sequence: ping.id,
      deliveries_url: `/admin/partners/${encodeURIComponent(partner.name)}/webhook/deliveries`,
    });
  });

  return router;
}

function webhookJson(ctx: Context, partner: Partner) {
  const hook = findWebhook(ctx.db, partner.id);
  return {
    partner: partner.name,
    url: hook ? redactUrl(hook.url) : null,
    since: hook?.since.toISOString() ?? null,
    deliveries: deliveryCounts(ctx.db, partner.id),
  };
}

function knownPartner(ctx: Context, name: string, res: Response): Partner | undefined {
  const partner = findPartnerByName(ctx.db, name);
  if (!partner) sendError(res, 404, `partner: no partner "${name}"`);
  return partner;
}

/** A partner that is not revoked: a revoked one gets no webhook (404, as for a key nobody holds). */
function activePartner(ctx: Context, name: string, res: Response): Partner | undefined {
  const partner = knownPartner(ctx, name, res);
  if (partner?.revokedAt) {
    sendError(res, 404, `partner: "${name}" was revoked`);
    return undefined;
  }
  return partner;
}
