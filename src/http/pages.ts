// The HTML index of every feed, with <link rel="alternate"> autodiscovery,
// and the JSON routes: /articles/{id}, /categories, /sources, /healthz.
import { Router } from 'express';
import type { Context } from '../context.js';
import { contentTypes, feedFormats } from '../publish/document.js';
import { listCategories } from '../store/categories.js';
import { getArticle } from '../store/feeds.js';
import { listSourceHealth } from '../store/sources.js';
import { notFound } from './feeds.js';

const formatNames = { rss: 'RSS 2.0', atom: 'Atom 1.0', json: 'JSON Feed 1.1' } as const;

export function pageRoutes(ctx: Context): Router {
  const router = Router();
  const base = ctx.cfg.site.baseUrl;

  router.get('/', (_req, res) => {
    const groups = [
      { heading: 'Everything', feeds: [{ path: '/feeds/all', name: 'All stories' }] },
      { heading: 'Categories', feeds: listCategories(ctx.db).map((c) => ({ path: `/feeds/categories/${c.slug}`, name: c.label })) },
      { heading: 'Sources', feeds: listSourceHealth(ctx.db).map((s) => ({ path: `/feeds/sources/${s.slug}`, name: s.name })) },
    ];
    res.type('html').send(indexPage(ctx.cfg.site.title, base, groups));
  });

  router.get('/articles/:id', (req, res) => {
    const id = req.params.id;
    const article = /^\d+$/.test(id) ? getArticle(ctx.db, Number(id)) : undefined;
    if (!article) return notFound(res, `no article "${id}"`);
    res.json({
      ...article,
      id: `${base}/articles/${article.id}`,
      related: article.related.map((r) => ({ ...r, id: r.articleId === undefined ? undefined : `${base}/articles/${r.articleId}`, articleId: undefined })),
    });
  });

  router.get('/categories', (_req, res) => {
    res.json(listCategories(ctx.db).map((c) => ({ ...c, feeds: feedLinks(base, `/feeds/categories/${c.slug}`) })));
  });

  router.get('/sources', (_req, res) => {
    res.json(
      listSourceHealth(ctx.db).map((s) => ({
        slug: s.slug,
        name: s.name,
        site_url: s.siteUrl ?? null,
        enabled: s.enabled,
        last_fetched_at: s.lastFetchedAt?.toISOString() ?? null,
        last_status: s.lastStatus ?? null,
        last_error: s.lastError ?? null,
        error_count: s.errorCount,
        articles: s.articleCount,
        feeds: feedLinks(base, `/feeds/sources/${s.slug}`),
      })),
    );
  });

  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });

  return router;
}

function feedLinks(base: string, path: string): Record<string, string> {
  return Object.fromEntries(feedFormats.map((f) => [f, `${base}${path}.${f}`]));
}

function indexPage(title: string, base: string, groups: { heading: string; feeds: { path: string; name: string }[] }[]): string {
  const discovery = feedFormats
    .map((f) => `<link rel="alternate" type="${contentTypes[f].split(';')[0]}" title="${escapeHtml(`${title} (${formatNames[f]})`)}" href="${base}/feeds/all.${f}">`)
    .join('\n  ');
  const sections = groups
    .map(
      (g) => `<h2>${escapeHtml(g.heading)}</h2>\n<ul>\n${g.feeds
        .map(
          (feed) =>
            `  <li>${escapeHtml(feed.name)}: ${feedFormats
              .map((f) => `<a href="${base}${feed.path}.${f}">${formatNames[f]}</a>`)
              .join(' · ')}</li>`,
        )
        .join('\n')}\n</ul>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}: feeds</title>
  ${discovery}
  <style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.6rem}a{color:#0b5cad}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Subscribe in any feed reader. Each feed comes as RSS 2.0, Atom 1.0 and JSON Feed 1.1; add <code>?limit=N</code> (up to 200) for more items.</p>
${sections}
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
