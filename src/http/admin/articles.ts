// The admin API's articles: POST publishes one of the publisher's own, PUT
// replaces it, DELETE withdraws it (410 from then on; its id is never
// reused), with an optional {"reason": "…"}. Articles that came from a feed are not the API's to change.
// GET …/versions shows any published article's earlier versions, bodies and all.
import { type Response, Router } from 'express';
import type { Context } from '../../context.js';
import { articleSchema, articleState, publishArticle, replaceArticle, withdrawalSchema, withdrawArticle } from '../../ingest/publish-article.js';
import type { Article } from '../../model.js';
import type { Db } from '../../store/db/db.js';
import { articleJson } from '../../publish/article-json.js';
import { versionsJson } from '../../publish/partner/versions.js';
import { getArticle, WITH_EMBARGOED } from '../../store/articles/reads.js';
import { getArticleHistory } from '../../store/versions/article-versions.js';
import { jsonInput, sendError } from './input.js';

export function adminArticleRoutes(ctx: Context): Router {
  const router = Router();
  const base = ctx.cfg.site.baseUrl;
  const articleBody = articleSchema(ctx.cfg.categories.map((c) => c.slug));

  const showArticle = (res: Response, id: number, status: number) => {
    const article = getArticle(ctx.db, id, WITH_EMBARGOED) as Article;
    // What GET /articles/{id}.json shows a full-text reader, and the upstream guid, which only the API shows.
    res.status(status).location(`${base}/articles/${id}`).json({ ...articleJson(article, base, true), guid: article.guid });
  };

  router.post('/articles', (req, res) => {
    const input = jsonInput(articleBody, req, res);
    if (!input) return;
    showArticle(res, publishArticle(ctx, input), 201);
  });

  router.put('/articles/:id', (req, res) => {
    const id = articleId(String(req.params.id), res);
    if (id === undefined) return;
    const input = jsonInput(articleBody, req, res);
    if (!input || !publisherArticle(ctx.db, id, res)) return;
    replaceArticle(ctx, id, input);
    showArticle(res, id, 200);
  });

  router.get('/articles/:id/versions', (req, res) => {
    const id = articleId(String(req.params.id), res);
    if (id === undefined) return;
    const history = getArticleHistory(ctx.db, id);
    // Full bodies, for the admin only: no cache anywhere keeps them.
    if (history) return void res.set('Cache-Control', 'no-store').json(versionsJson(id, history, base, true));
    if (articleState(ctx.db, id).state === 'withdrawn') sendError(res, 410, `article ${id} was withdrawn; its versions went with it`);
    else sendError(res, 404, `no article ${id}`);
  });

  router.delete('/articles/:id', (req, res) => {
    const id = articleId(String(req.params.id), res);
    if (id === undefined || !publisherArticle(ctx.db, id, res)) return;
    // The body is optional: none withdraws without a reason.
    let reason: string | undefined;
    if (req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? '0') > 0) {
      const input = jsonInput(withdrawalSchema, req, res);
      if (!input) return;
      reason = input.reason;
    }
    withdrawArticle(ctx.db, id, new Date(), reason);
    res.status(204).end();
  });

  return router;
}

function articleId(id: string, res: Response): number | undefined {
  if (/^\d{1,15}$/.test(id)) return Number(id);
  sendError(res, 404, `no article "${id}"`);
  return undefined;
}

/** True for a published article of the publisher's source; answers 404, 410 or 409 otherwise. */
function publisherArticle(db: Db, id: number, res: Response): boolean {
  const state = articleState(db, id);
  if (state.state === 'missing') sendError(res, 404, `no article ${id}`);
  else if (state.state === 'withdrawn') sendError(res, 410, `article ${id} was withdrawn`);
  else if (!state.publisher) sendError(res, 409, `article ${id} comes from a feed, not from the admin API`);
  else return true;
  return false;
}
