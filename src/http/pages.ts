// Every feed as OPML (/opml); the stylesheet that makes a feed readable in
// a browser that applies it (/feed.xsl); and the JSON routes: /articles/{id}(.json),
// /articles/{id}/versions.json (partners only), /categories, /sources (a last
// error by its kind only), /tags. (/healthz and the other ops routes are in ops.ts;
// the HTML pages, the front page among them, in site/routes.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Request, type Response, Router } from 'express';
import { packageRoot } from '../paths.js';
import type { Context } from '../context.js';
import { writeOpml } from '../opml/opml.js';
import { articleState } from '../ingest/publish-article.js';
import { articleJson } from '../publish/article-json.js';
import { versionsJson } from '../publish/partner/versions.js';
import { catalog, tagFeed } from '../publish/catalog.js';
import { feedFormats } from '../publish/document.js';
import { allKey, articleKey } from '../publish/edge/keys.js';
import { publicSourceError } from '../publish/source-error.js';
import { listCategories, listCategoriesInUse } from '../store/categories.js';
import { getArticle } from '../store/articles/reads.js';
import { getArticleHistory } from '../store/versions/article-versions.js';
import { listSourceHealth } from '../store/sources.js';
import { listTags } from '../store/tags.js';
import { cachingFor, setCaching } from './conditional.js';
import { correctionsOf, notFound, partnersOnly } from './feeds.js';
import { fullTextAllowed, noteDelivery, partnerOf, publishedAsOf } from './partner.js';

export const stylesheetPath = join(packageRoot, 'public', 'feed.xsl');

export function pageRoutes(ctx: Context): Router {
  const router = Router();
  const site = ctx.cfg.site;
  const base = site.baseUrl;
  const stylesheet = readFileSync(stylesheetPath, 'utf8');
  const feeds = () => catalog(site, { categories: listCategoriesInUse(ctx.db), sources: listSourceHealth(ctx.db), tags: listTags(ctx.db) });

  // OPML 2.0 subscription list: every feed as RSS, the format every reader takes.
  router.get('/opml', (_req, res) => {
    setCaching(res, cachingFor(ctx.cfg, false), allKey);
    const outlines = feeds().flatMap((g) =>
      g.feeds.map((f) => ({ name: f.spec.title, xmlUrl: `${base}${f.spec.path}.rss`, htmlUrl: f.htmlUrl, categories: [] })),
    );
    res.type('text/x-opml; charset=utf-8').send(writeOpml({ title: `${site.title}: feeds` }, outlines));
  });

  router.get('/feed.xsl', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400');
    res.type('text/xsl; charset=utf-8').send(stylesheet);
  });

  // One article as JSON; `.json` names the format in the URL (the plain path will also serve a page for browsers).
  const article = (req: Request, res: Response): void => {
    const id = String(req.params.id);
    const found = /^\d{1,15}$/.test(id) ? getArticle(ctx.db, Number(id), publishedAsOf(partnerOf(res))) : undefined;
    if (!found) return notFound(res, `no article "${id}"`);
    const fullText = fullTextAllowed(ctx.cfg, partnerOf(res), found.categories.map((c) => c.slug));
    // A browser's navigation to /articles/{id} gets the article page instead (site/routes.ts).
    res.vary('Accept');
    res.vary('Authorization');
    setCaching(res, cachingFor(ctx.cfg, partnerOf(res) !== undefined), articleKey(found.id));
    noteDelivery(req, res, [found.id], 'json');
    const correction = partnerOf(res) ? correctionsOf(ctx, [found.id]).get(found.id) : undefined;
    res.json(articleJson(found, base, fullText, correction));
  };
  router.get('/articles/:id.json', article);
  router.get('/articles/:id', article);

  // An article's earlier versions: for partners, as corrections are (the
  // public feeds carry no correction notice); bodies by the partner's tier.
  // A withdrawn article's history is gone with it (migration 024): 410.
  router.get('/articles/:id/versions.json', (req, res) => {
    const partner = partnerOf(res);
    if (!partner) return partnersOnly(res, 'an article\'s versions are');
    const id = String(req.params.id);
    const numeric = /^\d{1,15}$/.test(id);
    const found = numeric ? getArticle(ctx.db, Number(id), publishedAsOf(partner)) : undefined;
    const history = found && getArticleHistory(ctx.db, found.id);
    if (!found || !history) {
      const state = numeric ? articleState(ctx.db, Number(id)) : undefined;
      // Killed while under embargo: never out, so no 410 but for a partner that had it early.
      if (state?.state === 'withdrawn' && (state.everOut || partner.embargoed)) {
        res.status(410).set('Cache-Control', 'no-cache').type('text/plain').send(`Gone: article ${id} was withdrawn\n`);
        return;
      }
      return notFound(res, `no article "${id}"`);
    }
    res.vary('Authorization');
    setCaching(res, cachingFor(ctx.cfg, true), articleKey(found.id));
    noteDelivery(req, res, [found.id], 'json');
    res.json(versionsJson(found.id, history, base, fullTextAllowed(ctx.cfg, partner, found.categories.map((c) => c.slug))));
  });

  router.get('/categories', (_req, res) => {
    setCaching(res, cachingFor(ctx.cfg, false), allKey);
    res.json(listCategories(ctx.db).map((c) => ({ ...c, feeds: feedLinks(base, `/feeds/categories/${c.slug}`) })));
  });

  router.get('/tags', (_req, res) => {
    setCaching(res, cachingFor(ctx.cfg, false), allKey);
    res.json(
      listTags(ctx.db).map((t) => ({ slug: t.slug, label: t.label, articles: t.articleCount, feeds: feedLinks(base, tagFeed(site, t).path) })),
    );
  });

  // Health moves with every fetch, which purges nothing: kept a minute, by the cache in front too.
  router.get('/sources', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60');
    res.json(
      listSourceHealth(ctx.db).map((s) => ({
        slug: s.slug,
        name: s.name,
        site_url: s.siteUrl ?? null,
        enabled: s.enabled,
        last_fetched_at: s.lastFetchedAt?.toISOString() ?? null,
        last_status: s.lastStatus ?? null,
        gone: s.goneAt !== undefined,
        last_error: publicSourceError(s.lastErrorKind, s.httpStatus) ?? null,
        error_count: s.errorCount,
        articles: s.articleCount,
        feeds: feedLinks(base, `/feeds/sources/${s.slug}`),
      })),
    );
  });

  return router;
}

function feedLinks(base: string, path: string): Record<string, string> {
  return Object.fromEntries(feedFormats.map((f) => [f, `${base}${path}.${f}`]));
}
