// The built-in WebSub hub's endpoint, POST {base_url}/websub (W3C WebSub
// 5.1): a form-encoded subscribe or unsubscribe request, answered 202 once
// recorded, or a 4xx that says what is wrong. The verification and the
// deliveries are the hub worker's, in the writer (hub/worker.ts). A reader
// process passes these requests to serve's primary, which records them, as
// it does the admin API's (to-primary.ts): readers never write. Off (a 404,
// as any unknown path) when the config turns the built-in hub off or names
// another hub (publish.hub).
import express, { type Response, Router } from 'express';
import { BUILT_IN_HUB_PATH } from '../config/config.js';
import type { Context } from '../context.js';
import { checkCallbackAddress, type Refusal, readHubRequest, recordHubRequest } from '../hub/subscribe.js';
import { unhealthyBecause } from '../store/db/health.js';

/** A subscription request is four short parameters; anything much larger is not one. */
const BODY_LIMIT = '16kb';

export function hubRoutes(ctx: Context): Router | undefined {
  if (!ctx.cfg.websub.builtIn) return undefined;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 32 });
  router.post(BUILT_IN_HUB_PATH, form, async (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) {
      return refuse(res, { status: 415, message: 'Unsupported media type: send the parameters as application/x-www-form-urlencoded (WebSub 5.1)' });
    }
    const request = readHubRequest(ctx, (req.body ?? {}) as Record<string, unknown>);
    if ('status' in request) return refuse(res, request);
    const address = await checkCallbackAddress(ctx, request.callback);
    if (address) return refuse(res, address);
    // Acknowledged only where it will last (as the admin API's changes: store/db/health.ts).
    const unhealthy = unhealthyBecause(ctx.db);
    if (unhealthy) {
      res.set('Retry-After', '30');
      return refuse(res, { status: 503, message: `Service unavailable: not recorded: ${unhealthy}` });
    }
    const limited = recordHubRequest(ctx, request, Date.now());
    if (limited) return refuse(res, limited);
    // 5.1: 202, and the verification follows (5.3).
    res.status(202).type('text/plain').send(`Accepted: the hub will verify this ${request.mode} request with a GET to the callback\n`);
  });
  return router;
}

function refuse(res: Response, refusal: Refusal): void {
  res.status(refusal.status).type('text/plain').send(`${refusal.message}\n`);
}
