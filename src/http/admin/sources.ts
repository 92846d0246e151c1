// The admin API's sources: list them with their health, add one, change or
// disable one the API manages, and import an OPML list. A source's URL must
// reach the public internet (unless admin.allow_private_sources), checked
// after DNS resolution, here and at every fetch.
import { type Response, Router } from 'express';
import ms from 'ms';
import { z } from 'zod';
import type { Context } from '../../context.js';
import { PUBLISHER_SOURCE } from '../../ingest/publish-article.js';
import { UnsafeUrlError } from '../../ingest/fetch/ssrf.js';
import { planImport } from '../../opml/import.js';
import { OpmlError, readOpml } from '../../opml/opml.js';
import type { Db } from '../../store/db/db.js';
import {
  disableSource,
  insertAdminSource,
  listExistingSources,
  saveImportedSources,
  sourceOwnership,
  updateAdminSource,
} from '../../store/source-admin.js';
import { findSourceBySlug, listSourceHealth, type SourceHealth } from '../../store/sources.js';
import { jsonInput, sendError } from './input.js';

/** `checkUrl` throws UnsafeUrlError for a URL a source may not have. */
export function adminSourceRoutes(ctx: Context, checkUrl: (url: string) => Promise<void>): Router {
  const router = Router();
  const base = ctx.cfg.site.baseUrl;
  const categorySlugs = ctx.cfg.categories.map((c) => c.slug);
  const sourceBody = sourceSchema(categorySlugs);
  const patchBody = sourcePatchSchema(categorySlugs);

  router.get('/sources', (_req, res) => {
    res.json(listSourceHealth(ctx.db).map(sourceJson));
  });

  router.post('/sources', async (req, res) => {
    const input = jsonInput(sourceBody, req, res);
    if (!input) return;
    if (input.slug === PUBLISHER_SOURCE) return sendError(res, 409, `slug: "${PUBLISHER_SOURCE}" is kept for the articles published through the API`, 'slug');
    if (!(await urlAllowed(checkUrl, input.url, res))) return;
    if (findSourceBySlug(ctx.db, input.slug)) return sendError(res, 409, `slug: source "${input.slug}" already exists`, 'slug');
    insertAdminSource(ctx.db, { ...input, siteUrl: input.site_url, everyMinutes: minutes(input.every), embargoAware: input.embargo_aware });
    res.status(201).location(`${base}/feeds/sources/${input.slug}.rss`).json(sourceJsonOf(ctx.db, input.slug));
  });

  router.patch('/sources/:slug', async (req, res) => {
    const slug = String(req.params.slug);
    const input = jsonInput(patchBody, req, res);
    if (!input || !manageable(ctx.db, slug, res)) return;
    if (input.url !== undefined && !(await urlAllowed(checkUrl, input.url, res))) return;
    const { site_url: siteUrl, every, embargo_aware: embargoAware, ...rest } = input;
    updateAdminSource(ctx.db, slug, { ...rest, siteUrl, embargoAware, everyMinutes: every === undefined ? undefined : minutes(every) });
    res.json(sourceJsonOf(ctx.db, slug));
  });

  router.delete('/sources/:slug', (req, res) => {
    const slug = String(req.params.slug);
    if (!manageable(ctx.db, slug, res)) return;
    disableSource(ctx.db, slug);
    res.status(204).end();
  });

  router.post('/sources/import', async (req, res) => {
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

  return router;
}

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
      embargo_aware: z.boolean().default(false),
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
      embargo_aware: z.boolean().optional(),
    })
    .strict();
}

function minutes(value: string): number {
  return Math.round(ms(value as ms.StringValue) / 60_000);
}

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
  const owner = sourceOwnership(db, slug);
  if (!owner) sendError(res, 404, `no source "${slug}"`);
  else if (owner.origin === 'config' && owner.enabled) sendError(res, 409, `source "${slug}" is managed by the config file`);
  // A folder or file the config file once named stays the config file's: the API may not switch its reading back on.
  else if (owner.local) sendError(res, 409, `source "${slug}" reads local files named by the config file; change it there`);
  else if (slug === PUBLISHER_SOURCE && owner.origin === 'admin') sendError(res, 409, `source "${slug}" holds the articles published through the API`);
  else return true;
  return false;
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
    embargo_aware: s.embargoAware === true,
    origin: s.origin,
    enabled: s.enabled,
    gone_at: s.goneAt?.toISOString() ?? null,
    last_fetched_at: s.lastFetchedAt?.toISOString() ?? null,
    last_status: s.lastStatus ?? null,
    last_error: s.lastError ?? null,
    http_status: s.httpStatus ?? null,
    error_count: s.errorCount,
    items_seen: s.itemsSeen,
    articles: s.articleCount,
    next_due_at: s.enabled && !s.goneAt ? s.nextDueAt.toISOString() : null,
  };
}

function sourceJsonOf(db: Db, slug: string) {
  const health = listSourceHealth(db).find((s) => s.slug === slug);
  return health && sourceJson(health);
}

function importedJson(s: { slug: string; name: string; url: string; siteUrl?: string; categories: string[] }) {
  return { slug: s.slug, name: s.name, url: s.url, site_url: s.siteUrl ?? null, categories: s.categories };
}
