// The admin API, /admin/…: publish, replace and withdraw the publisher's
// articles; list, add, change, disable and import sources; run an ingest.
// A bearer token (config admin.token or WIREFEED_ADMIN_TOKEN) guards it;
// without one configured the API is off and every /admin route is a 404.
// Also `withdrawnArticles`, mounted whether or not the API is on: a
// withdrawn article's /articles/{id} answers 410 Gone.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import ms from 'ms';
import { z } from 'zod';
import type { Context } from '../context.js';
import { assertPublicUrl, type LookupAll, UnsafeUrlError } from '../ingest/ssrf.js';
import {
  articleSchema,
  articleState,
  PUBLISHER_SOURCE,
  PublishConflict,
  publishArticle,
  replaceArticle,
  withdrawArticle,
} from '../ingest/publish-article.js';
import { runIngest } from '../ingest/run.js';
import type { Article } from '../model.js';
import { OpmlError, planImport, readOpml } from '../opml.js';
import type { Db } from '../store/db.js';
import { getArticle } from '../store/feeds.js';
import { listExistingSources, saveImportedSources } from '../store/source-admin.js';
import { findSourceBySlug, listSourceHealth, listSources, type SourceHealth } from '../store/sources.js';

const BODY_LIMIT = '1mb';

export interface AdminOptions {
  /** How source hosts are resolved for the SSRF check; dns.lookup by default (tests replace it). */
  lookup?: LookupAll;
}

/** GET /articles/{id} of a withdrawn article: 410 Gone (mount before the page routes). */
export function withdrawnArticles(ctx: Context): Router {
  const router = Router();
  router.get('/articles/:id', (req, res, next) => {
    const id = String(req.params.id);
    if (/^\d+$/.test(id) && articleState(ctx.db, Number(id)).state === 'withdrawn') {
      res.status(410).type('text/plain').send(`Gone: article ${id} was withdrawn\n`);
      return;
    }
    next();
  });
  return router;
}

/** The admin routes, or undefined when no token is configured (the API is off). */
export function adminRoutes(ctx: Context, options: AdminOptions = {}): Router | undefined {
  const token = ctx.cfg.admin.token;
  if (token === undefined) return undefined;
  const expected = digest(token);
  const base = ctx.cfg.site.baseUrl;
  const categorySlugs = ctx.cfg.categories.map((c) => c.slug);
  const articleBody = articleSchema(categorySlugs);
  const sourceBody = sourceSchema(categorySlugs);
  const checkUrl = async (url: string) => {
    if (!ctx.cfg.admin.allowPrivateSources) await assertPublicUrl(url, options.lookup);
  };

  const router = Router();
  const admin = Router();
  router.use('/admin', admin);

  // Authentication first, so that nobody without the token gets a body parsed.
  admin.use((req, res, next) => {
    const match = /^Bearer +(\S+) *$/i.exec(req.get('authorization') ?? '');
    // Hashes have one length, so timingSafeEqual compares them whatever was sent.
    if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) return next();
    res.set('WWW-Authenticate', match ? 'Bearer error="invalid_token"' : 'Bearer');
    sendError(res, 401, 'a valid bearer token is required');
  });
  admin.use(express.json({ limit: BODY_LIMIT, strict: true }));
  admin.use(express.text({ type: ['text/x-opml', 'application/xml', 'text/xml'], limit: BODY_LIMIT }));

  /** A body that is not JSON (or a JSON value other than an object) is refused. */
  const jsonBody = (req: Request, res: Response): Record<string, unknown> | undefined => {
    if (!req.is('application/json')) {
      sendError(res, 415, 'the body must be JSON (Content-Type: application/json)');
      return undefined;
    }
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      sendError(res, 400, 'the body must be a JSON object');
      return undefined;
    }
    return req.body as Record<string, unknown>;
  };

  const showArticle = (res: Response, id: number, status: number) => {
    const article = getArticle(ctx.db, id) as Article;
    res.status(status).location(`${base}/articles/${id}`).json(articleJson(base, article));
  };

  // --- articles ---

  admin.post('/articles', (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const input = validate(articleBody, body, res);
    if (!input) return;
    const id = publishArticle(ctx, input);
    showArticle(res, id, 201);
  });

  admin.put('/articles/:id', (req, res) => {
    const id = articleId(req, res);
    if (id === undefined) return;
    const body = jsonBody(req, res);
    if (!body) return;
    const input = validate(articleBody, body, res);
    if (!input) return;
    if (!publisherArticle(ctx.db, id, res)) return;
    replaceArticle(ctx, id, input);
    showArticle(res, id, 200);
  });

  admin.delete('/articles/:id', (req, res) => {
    const id = articleId(req, res);
    if (id === undefined || !publisherArticle(ctx.db, id, res)) return;
    withdrawArticle(ctx.db, id);
    res.status(204).end();
  });

  // --- sources ---

  admin.get('/sources', (_req, res) => {
    res.json(listSourceHealth(ctx.db).map(sourceJson));
  });

  admin.post('/sources', async (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const input = validate(sourceBody, body, res);
    if (!input) return;
    if (input.slug === PUBLISHER_SOURCE) return sendError(res, 409, `slug: "${PUBLISHER_SOURCE}" is kept for the articles published through the API`, 'slug');
    if (!(await urlAllowed(checkUrl, input.url, res))) return;
    if (findSourceBySlug(ctx.db, input.slug)) return sendError(res, 409, `slug: source "${input.slug}" already exists`, 'slug');
    insertSource(ctx.db, input);
    res.status(201).location(`${base}/feeds/sources/${input.slug}.rss`).json(sourceJsonOf(ctx.db, input.slug));
  });

  admin.patch('/sources/:slug', async (req, res) => {
    const slug = String(req.params.slug);
    const body = jsonBody(req, res);
    if (!body) return;
    const input = validate(sourcePatchSchema(categorySlugs), body, res);
    if (!input) return;
    if (!manageable(ctx.db, slug, res)) return;
    if (input.url !== undefined && !(await urlAllowed(checkUrl, input.url, res))) return;
    updateSource(ctx.db, slug, input);
    res.json(sourceJsonOf(ctx.db, slug));
  });

  admin.delete('/sources/:slug', (req, res) => {
    const slug = String(req.params.slug);
    if (!manageable(ctx.db, slug, res)) return;
    ctx.db.prepare('UPDATE sources SET enabled = 0 WHERE slug = ?').run(slug);
    res.status(204).end();
  });

  admin.post('/sources/import', async (req, res) => {
    if (!req.is(['text/x-opml', 'application/xml', 'text/xml']) || typeof req.body !== 'string') {
      return sendError(res, 415, 'the body must be OPML (Content-Type: text/x-opml or application/xml)');
    }
    let feeds;
    try {
      feeds = (await readOpml(req.body)).feeds;
    } catch (err) {
      if (err instanceof OpmlError) return sendError(res, 400, err.message);
      throw err;
    }
    const plan = planImport(feeds, ctx.cfg.categories, listExistingSources(ctx.db));
    // The same check as a source added one at a time: refused feeds are reported as skipped.
    const refused = new Set<string>();
    await Promise.all(
      [...plan.add, ...plan.update].map(async (s) => {
        try {
          await checkUrl(s.url);
        } catch (err) {
          if (!(err instanceof UnsafeUrlError)) throw err;
          refused.add(s.slug);
          plan.skip.push({ name: s.name, url: s.url, reason: err.message });
        }
      }),
    );
    plan.add = plan.add.filter((s) => !refused.has(s.slug));
    plan.update = plan.update.filter((s) => !refused.has(s.slug));
    saveImportedSources(ctx.db, plan);
    res.json({
      added: plan.add.map(importedJson),
      updated: plan.update.map(importedJson),
      skipped: plan.skip,
      ignored_categories: plan.ignoredCategories,
    });
  });

  // --- ingest ---

  admin.post('/ingest', async (req, res) => {
    let slug: string | undefined;
    // The body is optional: none (or an empty one) runs every enabled source.
    if (req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? '0') > 0) {
      const body = jsonBody(req, res);
      if (!body) return;
      const input = validate(z.object({ source: z.string().min(1).optional() }).strict(), body, res);
      if (!input) return;
      slug = input.source;
    }
    let sources = listSources(ctx.db);
    if (slug !== undefined) {
      const source = findSourceBySlug(ctx.db, slug);
      if (!source) return sendError(res, 404, `source: no source "${slug}"`, 'source');
      if (!source.url && !source.articlesDir) return sendError(res, 400, `source: "${slug}" has nothing to fetch`, 'source');
      sources = [source];
    }
    const results = await runIngest(ctx, sources);
    res.json({
      results: results.map((r) => ({
        source: r.source,
        status: r.status,
        http_status: r.httpStatus ?? null,
        items_seen: r.itemsSeen,
        items_new: r.itemsNew,
        items_updated: r.itemsUpdated,
        error: r.error ?? null,
        duration_ms: r.durationMs,
        next_due_at: r.nextDueAt?.toISOString() ?? null,
      })),
    });
  });

  admin.use((req, res) => sendError(res, 404, `no admin route ${req.method} ${req.path}`));

  // Body parser errors (malformed JSON, too large) and conflicts become JSON answers; the rest goes to the app.
  admin.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof PublishConflict) return sendError(res, 409, err.message);
    if (err.type === 'entity.parse.failed') return sendError(res, 400, 'the body is not valid JSON');
    if (err.type === 'entity.too.large') return sendError(res, 413, `the body is larger than ${BODY_LIMIT}`);
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) return sendError(res, err.status, err.message);
    next(err);
  });

  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sendError(res: Response, status: number, message: string, field?: string): void {
  res.status(status).json({ error: message, ...(field ? { field } : {}) });
}

/** The parsed input, or undefined after a 400 that names the first bad field. */
function validate<T extends z.ZodType>(schema: T, body: unknown, res: Response): z.infer<T> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => {
    // An unknown key is reported on the object: name the key itself.
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    const path = [...i.path, ...keys.slice(0, 1)].join('.') || '(body)';
    return { field: path, message: i.message };
  });
  const [first] = issues;
  res.status(400).json({ error: `${first?.field}: ${first?.message}`, field: first?.field, issues });
  return undefined;
}

function articleId(req: Request, res: Response): number | undefined {
  const id = String(req.params.id);
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

/** The JSON GET /articles/{id} answers. */
function articleJson(base: string, article: Article) {
  return {
    ...article,
    id: `${base}/articles/${article.id}`,
    related: article.related.map((r) => ({ ...r, id: r.articleId === undefined ? undefined : `${base}/articles/${r.articleId}`, articleId: undefined })),
  };
}

// --- sources: validation and writes ---

const slugRule = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug (a-z, 0-9, dashes)').max(60);
const feedUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);
const every = z.string().refine((v) => {
  const n = ms(v as ms.StringValue);
  return typeof n === 'number' && n >= 60_000;
}, 'must be a duration of at least one minute, like "15m" or "2h"');

function categoryList(slugs: readonly string[]) {
  const known = new Set(slugs);
  return z.array(z.string().refine((s) => known.has(s), { error: (i) => `unknown category "${String(i.input)}"` })).max(20);
}

function sourceSchema(categorySlugs: readonly string[]) {
  return z
    .object({
      slug: slugRule,
      name: z.string().trim().min(1).max(200),
      url: feedUrl,
      site_url: feedUrl.optional(),
      categories: categoryList(categorySlugs).default([]),
      every: every.default('15m'),
    })
    .strict();
}

function sourcePatchSchema(categorySlugs: readonly string[]) {
  return z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      url: feedUrl.optional(),
      site_url: feedUrl.nullable().optional(),
      categories: categoryList(categorySlugs).optional(),
      every: every.optional(),
      enabled: z.boolean().optional(),
    })
    .strict();
}

type SourceInput = z.infer<ReturnType<typeof sourceSchema>>;
type SourcePatch = z.infer<ReturnType<typeof sourcePatchSchema>>;

async function urlAllowed(check: (url: string) => Promise<void>, url: string, res: Response): Promise<boolean> {
  try {
    await check(url);
    return true;
  } catch (err) {
    if (!(err instanceof UnsafeUrlError)) throw err;
    sendError(res, 400, `url: ${err.message}`, 'url');
    return false;
  }
}

/**
 * True when the API may change the source; answers otherwise. Sources of
 * the config file belong to it (the next start would undo the change), and
 * the publisher's own source is not a feed.
 */
function manageable(db: Db, slug: string, res: Response): boolean {
  const row = db.prepare('SELECT origin, enabled FROM sources WHERE slug = ?').get(slug) as { origin: string; enabled: number } | undefined;
  if (!row) sendError(res, 404, `no source "${slug}"`);
  else if (row.origin === 'config' && row.enabled === 1) sendError(res, 409, `source "${slug}" is managed by the config file`);
  else if (slug === PUBLISHER_SOURCE && row.origin === 'admin') sendError(res, 409, `source "${slug}" holds the articles published through the API`);
  else return true;
  return false;
}

function minutes(value: string): number {
  return Math.round(ms(value as ms.StringValue) / 60_000);
}

function insertSource(db: Db, s: SourceInput): void {
  db.prepare(
    `INSERT INTO sources (slug, name, url, site_url, categories, every_minutes, origin)
     VALUES (?, ?, ?, ?, ?, ?, 'admin')`,
  ).run(s.slug, s.name, s.url, s.site_url ?? null, JSON.stringify(s.categories), minutes(s.every));
}

function updateSource(db: Db, slug: string, p: SourcePatch): void {
  db.prepare(
    `UPDATE sources SET
       name = coalesce(@name, name),
       site_url = CASE WHEN @setSiteUrl THEN @siteUrl ELSE site_url END,
       categories = coalesce(@categories, categories),
       every_minutes = coalesce(@every, every_minutes),
       enabled = coalesce(@enabled, enabled),
       -- A new URL starts afresh: no redirect target, no validators, due now.
       fetch_url = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN NULL ELSE fetch_url END,
       etag = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN NULL ELSE etag END,
       last_modified = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN NULL ELSE last_modified END,
       next_due_at = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN 0 ELSE next_due_at END,
       url = coalesce(@url, url),
       -- Whoever changes it through the API manages it from now on (a config source it dropped, an import).
       origin = 'admin'
     WHERE slug = @slug`,
  ).run({
    slug,
    name: p.name ?? null,
    setSiteUrl: p.site_url !== undefined ? 1 : 0,
    siteUrl: p.site_url ?? null,
    categories: p.categories ? JSON.stringify(p.categories) : null,
    every: p.every ? minutes(p.every) : null,
    enabled: p.enabled === undefined ? null : p.enabled ? 1 : 0,
    url: p.url ?? null,
  });
}

/** A source as the API shows it, after any change and in the listing alike: settings and health. */
function sourceJson(s: SourceHealth) {
  return {
    slug: s.slug,
    name: s.name,
    url: s.url ?? null,
    fetch_url: s.fetchUrl ?? null,
    site_url: s.siteUrl ?? null,
    categories: s.categories,
    every_minutes: s.everyMinutes,
    origin: s.origin,
    enabled: s.enabled,
    last_fetched_at: s.lastFetchedAt?.toISOString() ?? null,
    last_status: s.lastStatus ?? null,
    last_error: s.lastError ?? null,
    http_status: s.httpStatus ?? null,
    error_count: s.errorCount,
    items_seen: s.itemsSeen,
    articles: s.articleCount,
    next_due_at: s.enabled ? s.nextDueAt.toISOString() : null,
  };
}

function sourceJsonOf(db: Db, slug: string) {
  const health = listSourceHealth(db).find((s) => s.slug === slug);
  return health && sourceJson(health);
}

function importedJson(s: { slug: string; name: string; url: string; siteUrl?: string; categories: string[] }) {
  return { slug: s.slug, name: s.name, url: s.url, site_url: s.siteUrl ?? null, categories: s.categories };
}
