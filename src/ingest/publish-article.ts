// The publisher's articles pushed through the admin API: a JSON article is
// checked (zod), turned into a ParsedEntry and taken through the same
// normalize → sanitize → classify → relate path as an ingested entry, then
// stored under the source `admin`. Also replacing and withdrawing them.
//
// The `admin` source (origin 'admin', no URL) is created on first use with
// enabled = 0: listSources and listDueSources read only enabled sources, so
// it is never fetched, while findSourceBySlug still finds it, so that
// /feeds/sources/admin.* lists what was published through the API.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Context } from '../context.js';
import type { Source } from '../model.js';
import { saveArticle } from '../store/articles/articles.js';
import type { Db } from '../store/db/db.js';
import { listStoryMembers, replaceRelated, setStory } from '../store/articles/related.js';
import { findSourceBySlug } from '../store/sources.js';
import { escapeHtml } from './parse/nodes.js';
import type { ParsedEntry } from './parse/parsed.js';
import { prepareArticle } from './prepare/entry.js';
import { relateArticle } from './relate/relate.js';
import { markArticleChanged } from './relate/index.js';

export const PUBLISHER_SOURCE = 'admin';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);
const line = (max: number) => z.string().trim().min(1).max(max);

/** The JSON of an article; `categories` must be configured category slugs. */
export function articleSchema(categorySlugs: readonly string[]) {
  const known = new Set(categorySlugs);
  return z
    .object({
      title: line(500),
      summary: z.string().max(5_000).optional(),
      content_html: z.string().max(900_000).optional(),
      author: line(200).optional(),
      published: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 date-time, like "2026-11-18T09:30:00Z"' }).optional(),
      // Held from the public until then, and published then (clean/embargo.ts); null on a replace ends it now.
      embargo_until: z.iso
        .datetime({ offset: true, error: 'must be an RFC 3339 date-time, like "2026-11-18T09:30:00Z"' })
        .refine((v) => Date.parse(v) - Date.now() <= MAX_EMBARGO_MS, { error: 'must be within a year from now' })
        .nullable()
        .optional(),
      categories: z
        .array(z.string().refine((s) => known.has(s), { error: (i) => `unknown category "${String(i.input)}"` }))
        .max(20)
        .default([]),
      tags: z.array(line(100)).max(50).default([]),
      image: z.object({ url: httpUrl, caption: z.string().max(1_000).optional(), credit: z.string().max(200).optional() }).strict().optional(),
      related: z.array(z.object({ url: httpUrl, title: line(500).optional() }).strict()).max(20).default([]),
      url: httpUrl,
      guid: line(500).optional(),
    })
    .strict();
}

/** The optional body of a withdrawal: why, in plain text, for the tombstones and kill notices. */
export const withdrawalSchema = z
  .object({
    // XML (the Atom and RSS feeds it goes into) cannot carry most control characters.
    reason: z.string().trim().min(1).max(500).regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]*$/, 'must not contain control characters').optional(),
  })
  .strict();

export type ArticleInput = z.infer<ReturnType<typeof articleSchema>>;

/** The furthest ahead the publisher may set an embargo: further is a typo in the year. */
const MAX_EMBARGO_MS = 366 * 86_400_000;

export class PublishConflict extends Error {
  override name = 'PublishConflict';
}

/**
 * The source the API's articles are stored under, created on first use.
 * Throws PublishConflict when the slug is taken by a source from elsewhere
 * (the config file or an import), whose articles must not be mixed in.
 */
export function publisherSource(db: Db): Source {
  db.prepare(
    `INSERT INTO sources (slug, name, origin, enabled, categories) VALUES (?, 'Published here', 'admin', 0, '[]')
     ON CONFLICT (slug) DO NOTHING`,
  ).run(PUBLISHER_SOURCE);
  const row = db.prepare('SELECT origin, url, articles_dir FROM sources WHERE slug = ?').get(PUBLISHER_SOURCE) as {
    origin: string;
    url: string | null;
    articles_dir: string | null;
  };
  if (row.origin !== 'admin' || row.url !== null || row.articles_dir !== null) {
    throw new PublishConflict(`the source slug "${PUBLISHER_SOURCE}" is taken by a ${row.origin} source`);
  }
  return findSourceBySlug(db, PUBLISHER_SOURCE) as Source;
}

/** What the API's entry looks like to normalize: plain text escaped as HTML text, as JSON Feed's parser does. */
function toEntry(input: ArticleInput, guid: string, published: string | undefined, embargoUntil: string | undefined): ParsedEntry {
  return {
    guid,
    link: input.url,
    title: escapeHtml(input.title),
    summary: escapeHtml(input.summary),
    content: input.content_html,
    author: escapeHtml(input.author),
    published,
    embargoUntil,
    categories: input.categories,
    tags: input.tags.map((t) => escapeHtml(t)),
    image: input.image && { url: input.image.url, caption: escapeHtml(input.image.caption), credit: escapeHtml(input.image.credit) },
    related: input.related.map((r) => ({ url: r.url, title: escapeHtml(r.title) })),
  };
}


export type ArticleState =
  | { state: 'missing' }
  /** `everOut`: it was published before it was withdrawn (not killed while under embargo). */
  | { state: 'withdrawn'; everOut: boolean }
  /** `embargoUntil`: still held back until then (ms). */
  | { state: 'published'; sourceId: number; guid: string; publisher: boolean; embargoUntil?: number };

export function articleState(db: Db, id: number, now = Date.now()): ArticleState {
  const row = db
    .prepare(
      'SELECT a.source_id, a.guid, a.withdrawn_at, a.embargo_until, a.published_at, s.slug, s.origin FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?',
    )
    .get(id) as
    | { source_id: number; guid: string; withdrawn_at: number | null; embargo_until: number | null; published_at: number; slug: string; origin: string }
    | undefined;
  if (!row) return { state: 'missing' };
  if (row.withdrawn_at !== null) return { state: 'withdrawn', everOut: row.published_at <= row.withdrawn_at };
  const held = row.embargo_until !== null && row.published_at > now ? { embargoUntil: row.published_at } : {};
  return { state: 'published', sourceId: row.source_id, guid: row.guid, publisher: row.slug === PUBLISHER_SOURCE && row.origin === 'admin', ...held };
}

/** Stores a new article; throws PublishConflict when its guid is already stored. Returns its id. */
export function publishArticle(ctx: Context, input: ArticleInput, now = new Date()): number {
  const source = publisherSource(ctx.db);
  const guid = input.guid ?? `urn:uuid:${randomUUID()}`;
  const draft = prepareArticle(ctx, source, toEntry(input, guid, input.published, input.embargo_until ?? undefined), publisherFields(ctx, now));
  return ctx.db.transaction(() => {
    const taken = ctx.db.prepare('SELECT id FROM articles WHERE source_id = ? AND guid = ?').pluck().get(source.id, draft.guid);
    if (taken !== undefined) throw new PublishConflict(`guid "${draft.guid}" is already article ${String(taken)}`);
    const { id } = saveArticle(ctx.db, source.id, draft, now);
    relateArticle(ctx.db, id);
    return id;
  }).immediate();
}

/**
 * Replaces a published article in place: same id, same guid, same published
 * time (saveArticle keeps it); `guid`, when given, must be the stored one.
 * One under embargo keeps it unless `embargo_until` moves it, or ends it
 * now with null; one already out cannot be held back again.
 */
export function replaceArticle(ctx: Context, id: number, input: ArticleInput, now = new Date()): void {
  const current = articleState(ctx.db, id, now.getTime());
  if (current.state !== 'published') throw new Error(`replaceArticle: article ${id} is ${current.state}`);
  if (input.guid !== undefined && input.guid !== current.guid) throw new PublishConflict(`guid cannot change (it is "${current.guid}")`);
  if (current.embargoUntil === undefined && typeof input.embargo_until === 'string' && Date.parse(input.embargo_until) > now.getTime()) {
    throw new PublishConflict(`article ${id} is published already: an embargo cannot hold it back again`);
  }
  const kept = current.embargoUntil === undefined ? undefined : new Date(current.embargoUntil).toISOString();
  const embargo = input.embargo_until === undefined ? kept : (input.embargo_until ?? undefined);
  const source = publisherSource(ctx.db);
  const draft = prepareArticle(ctx, source, toEntry(input, current.guid, undefined, embargo), publisherFields(ctx, now));
  ctx.db.transaction(() => {
    saveArticle(ctx.db, current.sourceId, draft, now);
    markArticleChanged(ctx.db, id);
  }).immediate();
}

/**
 * Withdraws an article: the row stays (its id is never reused) but marked,
 * and nothing links to it any more: its categories, tags and related rows
 * go (their slugs stay on the row, for its tombstones), the computed and
 * same-story links of other articles to it go, a story it headed gets its
 * next version as face, and it leaves the search index (so that relate never
 * offers it to a later article either). `reason`, when given, travels with
 * its tombstones and kill notices.
 */
export function withdrawArticle(db: Db, id: number, now = new Date(), reason?: string): void {
  db.transaction(() => {
    const row = db.prepare('SELECT url, title, summary, body_text, story_id FROM articles WHERE id = ? AND withdrawn_at IS NULL').get(id) as
      | { url: string; title: string; summary: string; body_text: string; story_id: number | null }
      | undefined;
    if (!row) return;
    // Its row's trigger moves the content version for everything this transaction removes with it.
    // The feeds that listed it carry its tombstone for a while (store/articles/feeds.ts), so where it was filed is kept.
    db.prepare(
      `UPDATE articles SET withdrawn_at = ?, withdrawn_reason = ?, story_id = NULL,
         withdrawn_categories = (SELECT json_group_array(category_slug) FROM article_categories WHERE article_id = articles.id),
         withdrawn_tags = (SELECT json_group_object(slug, label) FROM article_tags WHERE article_id = articles.id)
       WHERE id = ?`,
    ).run(now.getTime(), reason ?? null, id);
    markArticleChanged(db, id);
    db.prepare('DELETE FROM article_categories WHERE article_id = ?').run(id);
    db.prepare('DELETE FROM article_tags WHERE article_id = ?').run(id);
    db.prepare('DELETE FROM related WHERE article_id = ?').run(id);
    // Another article at the same URL (a copy from another source) keeps its links.
    const sameUrl = db.prepare('SELECT 1 FROM articles WHERE url = ? AND id <> ? AND withdrawn_at IS NULL').get(row.url, id);
    if (!sameUrl) db.prepare("DELETE FROM related WHERE url = ? AND kind IN ('computed', 'same-story', 'follow-up')").run(row.url);
    // The story it headed or belonged to, without it.
    const storyId = row.story_id ?? id;
    const members = listStoryMembers(db, storyId).filter((m) => m.id !== id);
    if (members.length > 0) {
      setStory(db, members);
      // A story of one is no story: the last version stands alone.
      for (const m of members) {
        const others = members.filter((o) => o.id !== m.id).map((o) => ({ url: o.url, title: o.title, score: 1 }));
        replaceRelated(db, m.id, 'same-story', others);
      }
    }
    // The external-content index forgets a row only when told its indexed values.
    db.prepare("INSERT INTO article_search (article_search, rowid, title, summary, body_text) VALUES ('delete', ?, ?, ?, ?)").run(
      id,
      row.title,
      row.summary,
      row.body_text,
    );
  }).immediate();
}

/** The publisher's own article: its links resolve against our site; its language and rights are ours. */
function publisherFields(ctx: Context, now: Date) {
  return { baseUrl: ctx.cfg.site.baseUrl, now, language: ctx.cfg.site.language, rights: ctx.cfg.site.rights };
}
