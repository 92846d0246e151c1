// After an admin change that moved the content (store/content-version.ts),
// the WebSub hub, built in or publish.hub, is told which feeds changed
// (publish/push/websub.ts announceFeedChanges): those of
// the article named in the path, of the articles the request added, and of
// the source named in the path; /feeds/all always. Runs once the answer is
// sent, and never holds it up.
import type { NextFunction, Request, Response } from 'express';
import type { Context } from '../../context.js';
import { announceFeedChanges } from '../../publish/push/websub.js';
import { articlesFirstSeenSince, feedPathsOfArticles } from '../../store/articles/feeds-of.js';
import { contentVersion } from '../../store/content-version.js';

export function pingHubAfterAdminChanges(ctx: Context) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!ctx.cfg.websub.hubUrl || req.method === 'GET' || req.method === 'HEAD' || !/^\/admin\//i.test(req.path)) return next();
    const before = contentVersion(ctx.db);
    const started = Date.now();
    res.on('finish', () => {
      try {
        if (res.statusCode >= 400 || contentVersion(ctx.db) === before) return;
        const article = /^\/admin\/articles\/(\d+)/i.exec(req.path)?.[1];
        const source = /^\/admin\/sources\/([a-z0-9-]+)/i.exec(req.path)?.[1];
        const ids = [...articlesFirstSeenSince(ctx.db, started), ...(article ? [Number(article)] : [])];
        const paths = [...feedPathsOfArticles(ctx.db, ids), '/feeds/all', ...(source && source !== 'import' ? [`/feeds/sources/${source}`] : [])];
        announceFeedChanges(ctx, paths);
      } catch (err) {
        ctx.log.warn({ event: 'websub_ping_failed', err }, 'websub: could not tell the hub which feeds changed');
      }
    });
    next();
  };
}
