// The admin API's related-story edits (issue 18): an editor pins one of our
// articles to another's related list, or removes one from it, and it sticks
// whatever relate computes later (store/articles/related-edits.ts). Any
// published article may be edited, from a feed or from the API: relations
// are ours, not the upstream's. An edit is of a relation, so it applies both
// ways; removing a same-story link splits the two stories.
//
//   GET    /admin/articles/{id}/related                   the list as published, and the edits
//   PUT    /admin/articles/{id}/related/{target}          pin (201 when new, 200 when it was pinned)
//   DELETE /admin/articles/{id}/related/{target}          remove (200)
//   DELETE /admin/articles/{id}/related/{target}/edit     forget the edit (200; 404 when there is none)
import { type Request, type Response, Router } from 'express';
import type { Context } from '../../context.js';
import { articleState } from '../../ingest/publish-article.js';
import type { Article } from '../../model.js';
import { articleJson } from '../../publish/article-json.js';
import { getArticle, WITH_EMBARGOED } from '../../store/articles/reads.js';
import { clearEdit, type EditAction, listEdits, recordEdit } from '../../store/articles/related-edits.js';
import { sendError } from './input.js';

export function adminRelatedRoutes(ctx: Context): Router {
  const router = Router();
  const base = ctx.cfg.site.baseUrl;

  /** The article's related list as /articles/{id}.json shows it, with the edits that shaped it. */
  const showRelated = (res: Response, id: number, status: number) => {
    const article = getArticle(ctx.db, id, WITH_EMBARGOED) as Article;
    res.status(status).json({
      article: `${base}/articles/${id}`,
      related: articleJson(article, base, false).related,
      edits: listEdits(ctx.db, id).map((e) => ({
        target: `${base}/articles/${e.targetId}`,
        target_id: e.targetId,
        action: e.action,
        created_at: e.createdAt.toISOString(),
      })),
    });
  };

  /** The article (and target) ids of a request, or undefined once a 404 or 400 has been sent. */
  const pair = (req: Request, res: Response): [number, number] | undefined => {
    const id = publishedId(ctx, String(req.params.id), res);
    if (id === undefined) return undefined;
    const target = publishedId(ctx, String(req.params.target), res, 'target');
    if (target === undefined) return undefined;
    if (target === id) {
      sendError(res, 400, `target: article ${id} cannot be related to itself`, 'target');
      return undefined;
    }
    return [id, target];
  };

  const edit = (action: EditAction, created: number, unchanged: number) => (req: Request, res: Response) => {
    const ids = pair(req, res);
    if (!ids) return;
    const written = recordEdit(ctx.db, ids[0], ids[1], action);
    showRelated(res, ids[0], written ? created : unchanged);
  };

  router.get('/articles/:id/related', (req, res) => {
    const id = publishedId(ctx, String(req.params.id), res);
    if (id !== undefined) showRelated(res, id, 200);
  });

  router.put('/articles/:id/related/:target', edit('pin', 201, 200));
  router.delete('/articles/:id/related/:target', edit('remove', 200, 200));

  router.delete('/articles/:id/related/:target/edit', (req, res) => {
    const ids = pair(req, res);
    if (!ids) return;
    if (!clearEdit(ctx.db, ids[0], ids[1])) return sendError(res, 404, `no edit of the relation between articles ${ids[0]} and ${ids[1]}`);
    showRelated(res, ids[0], 200);
  });

  return router;
}

/** The id of a published article, or undefined after a 404: an unknown and a withdrawn article alike have no relations to edit. */
function publishedId(ctx: Context, param: string, res: Response, field?: string): number | undefined {
  const id = /^\d{1,15}$/.test(param) ? Number(param) : undefined;
  if (id !== undefined && articleState(ctx.db, id).state === 'published') return id;
  sendError(res, 404, `${field ? `${field}: ` : ''}no published article "${param}"`, field);
  return undefined;
}
