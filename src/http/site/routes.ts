// The HTML pages: the front page (/), the category, source and tag pages
// (/categories/{slug}, /sources/{slug}, /tags/{slug}), search (/search?q=),
// the article page (/articles/{id} for a browser), the readable preview of
// any feed a browser opens (negotiate.ts; or ?view=html), and their
// stylesheet. Handlers look up, query and hand plain data to src/pages/.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Request, type Response, Router } from 'express';
import type { Context } from '../../context.js';
import { articlePage } from '../../pages/article.js';
import { feedDirectory } from '../../pages/directory.js';
import { frontPage } from '../../pages/front.js';
import { feedUrls, type PageFeed, type Shell } from '../../pages/html.js';
import { listingPage } from '../../pages/listing.js';
import { searchPage } from '../../pages/search.js';
import { statusPage } from '../../pages/status.js';
import { packageRoot } from '../../paths.js';
import type { FeedCache } from '../../publish/cache.js';
import { allKey, articleKey, listKeys } from '../../publish/edge/keys.js';
import { allFeed, categoryFeed, sourceFeed } from '../../publish/catalog.js';
import { type FeedFormat, feedFormats } from '../../publish/document.js';
import { getArticle } from '../../store/articles/reads.js';
import { listCategoriesInUse } from '../../store/categories.js';
import { feedStats } from '../../store/feed-stats.js';
import { listSourceHealth } from '../../store/sources.js';
import { listTags } from '../../store/tags.js';
import { readPage } from '../paging.js';
import { fullTextAllowed, partnerOf } from '../partner.js';
import { findList, type ListKind, searchQuery } from './lists.js';
import { feedTypes, jsonTypes, prefersHtml } from './negotiate.js';
import { type Built, htmlType, newestOf, sendPage, setPageHeaders } from './send.js';

export const pagesStylesheetPath = join(packageRoot, 'public', 'pages.css');

/** Stories on a page; a feed preview shows what the feed itself holds. */
const PAGE_LIMIT = 20;

export function siteRoutes(ctx: Context, cache: FeedCache): Router {
  const router = Router();
  const site = ctx.cfg.site;
  const base = site.baseUrl;
  const css = readFileSync(pagesStylesheetPath);
  const version = createHash('sha256').update(css).digest('base64url').slice(0, 12);
  const root = new URL(base).pathname.replace(/\/+$/, '');
  const shell: Shell = { siteTitle: site.title, root, stylesheet: `${root}/pages.css?v=${version}` };
  const spec = allFeed(site);
  const all: PageFeed = { title: spec.title, urls: feedUrls(base, spec.path) };
  const within = (res: Response) => partnerOf(res)?.categories ?? [];
  const page = (req: Request, res: Response, build: () => Built) => sendPage(ctx, cache, req, res, build);
  // Short plain messages, as the feeds and the JSON routes answer them; only search shows its form again.
  const notFound = (message: string): Built => ({ status: 404, type: 'text/plain; charset=utf-8', body: `Not found: ${message}\n` });
  const bad = (message: string): Built => ({ status: 400, type: 'text/plain; charset=utf-8', body: `${message}\n` });

  // Named by its content in every page, so it may be kept for a year (RFC 8246 immutable).
  router.get('/pages.css', (req, res) => {
    res.set('Cache-Control', req.query.v === version ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    res.type('text/css; charset=utf-8').send(css);
  });

  router.get('/', (req, res) =>
    page(req, res, () => {
      const found = readPage(ctx.db, req.query, { kind: 'all' }, PAGE_LIMIT, within(res));
      if ('error' in found) return bad(found.error);
      const categories = listCategoriesInUse(ctx.db).filter((c) => within(res).length === 0 || within(res).includes(c.slug));
      const lists = { categories, sources: listSourceHealth(ctx.db), tags: listTags(ctx.db) };
      const directory = feedDirectory(base, root, lists, feedStats(ctx.db));
      const body = frontPage(shell, { description: site.description, all, stories: found.items, olderCursor: found.page.olderCursor, directory });
      return { body, lastModified: newestOf(found.items), keys: listKeys({ kind: 'all' }, found.items) };
    }),
  );

  // Source health as of now: it moves with every fetch, not only with the content, so it is never cached.
  router.get('/status', (_req, res) => {
    setPageHeaders(res);
    res.set('Cache-Control', 'no-store');
    res.type(htmlType).send(statusPage(shell, { sources: listSourceHealth(ctx.db), now: new Date(), all }));
  });

  const listing = (kind: ListKind) => (req: Request, res: Response) =>
    page(req, res, () => {
      const list = findList(ctx, root, kind, String(req.params.slug ?? ''), req.query.q, within(res));
      if ('notFound' in list) return notFound(list.notFound);
      if ('bad' in list) return bad(list.bad);
      const found = readPage(ctx.db, req.query, list.filter, PAGE_LIMIT, within(res));
      if ('error' in found) return bad(found.error);
      const body = listingPage(shell, { ...list, otherFeeds: [all], stories: found.items, path: list.page, olderCursor: found.page.olderCursor });
      return { body, lastModified: newestOf(found.items), keys: listKeys(list.filter, found.items) };
    });
  router.get('/categories/:slug', listing('categories'));
  router.get('/sources/:slug', listing('sources'));
  router.get('/tags/:slug', listing('tags'));

  router.get('/search', (req, res) =>
    page(req, res, () => {
      if (req.query.q === undefined) return { body: searchPage(shell, { query: '', all }), keys: allKey };
      const checked = searchQuery(req.query.q);
      const query = typeof req.query.q === 'string' ? req.query.q.trim() : '';
      if ('bad' in checked) return { status: 400, type: htmlType, body: searchPage(shell, { query, problem: checked.bad, all }) };
      const list = findList(ctx, root, 'search', '', req.query.q, within(res));
      if (!('filter' in list)) return bad('q cannot be searched');
      const found = readPage(ctx.db, req.query, list.filter, PAGE_LIMIT, within(res));
      if ('error' in found) return { status: 400, type: htmlType, body: searchPage(shell, { query, problem: found.error, all }) };
      const body = searchPage(shell, { query: checked.query, all, results: { feed: list.feed, stories: found.items, olderCursor: found.page.olderCursor } });
      return { body, lastModified: newestOf(found.items), keys: listKeys(list.filter, found.items) };
    }),
  );

  // A browser's navigation (Accept prefers text/html over JSON) gets the page; `.json` and API clients, the JSON (pages.ts).
  // Anything but a plain id (`1.json`, junk) is left to pages.ts as well.
  router.get('/articles/:id', (req, res, next) => {
    const id = String(req.params.id);
    if (!/^\d{1,15}$/.test(id) || !prefersHtml(req.headers.accept, jsonTypes)) return next();
    res.vary('Accept');
    page(req, res, () => {
      const article = getArticle(ctx.db, Number(id));
      if (!article) return notFound(`no article "${id}"`);
      const fullText = fullTextAllowed(ctx.cfg, partnerOf(res), article.categories.map((c) => c.slug));
      const source = sourceFeed(site, article.source);
      const feeds: PageFeed[] = [
        { title: source.title, urls: feedUrls(base, source.path) },
        ...article.categories.map((c) => categoryFeed(site, c)).map((s) => ({ title: s.title, urls: feedUrls(base, s.path) })),
      ];
      return { body: articlePage(shell, { article, fullText, feeds }), lastModified: article.updatedAt, keys: articleKey(article.id), articleIds: [article.id] };
    });
  });

  // The feed preview: answered here only for a browser (or ?view=html);
  // anything else goes on to the feed routes untouched.
  const preview = (kind: ListKind) => (req: Request, res: Response, next: () => void) => {
    const format = String(req.params.format) as FeedFormat;
    if (!feedFormats.includes(format)) return next();
    if (req.query.view !== 'html' && !prefersHtml(req.headers.accept, feedTypes)) return next();
    const list = findList(ctx, root, kind, String(req.params.slug ?? ''), req.query.q, within(res));
    // The feed route says what is wrong, as it does to a feed reader.
    if (!('filter' in list)) return next();
    page(req, res, () => {
      const found = readPage(ctx.db, req.query, list.filter, ctx.cfg.publish.limit, within(res));
      if ('error' in found) return bad(found.error);
      const path = req.path;
      const body = listingPage(shell, {
        ...list,
        otherFeeds: kind === 'all' ? [] : [all],
        stories: found.items,
        path: `${root}${path}`,
        query: { ...list.query, view: 'html' },
        olderCursor: found.page.olderCursor,
        preview: { format, htmlPage: kind === 'search' ? `${list.page}?${new URLSearchParams(list.query)}` : list.page },
      });
      return { body, lastModified: newestOf(found.items), keys: listKeys(list.filter, found.items) };
    });
  };
  router.get('/feeds/all.:format', preview('all'));
  router.get('/feeds/categories/:slug.:format', preview('categories'));
  router.get('/feeds/sources/:slug.:format', preview('sources'));
  router.get('/feeds/tags/:slug.:format', preview('tags'));
  router.get('/feeds/search.:format', preview('search'));

  return router;
}
