// Writes the operator makes from the command line or the admin API rather
// than the config file: sources imported from an OPML list (origin 'opml')
// and sources added or changed through the API (origin 'admin'). Config
// sync disables only origin 'config' sources that left the config file, so
// these survive restarts.
import type { Db } from './db/db.js';

/** What an import needs to know of a stored source. */
export interface ExistingSource {
  slug: string;
  url?: string;
  /** Who manages it: 'config' for the config file, 'opml' for an import. */
  origin: string;
  enabled: boolean;
}

export interface ImportedSource {
  slug: string;
  name: string;
  url: string;
  siteUrl?: string;
  categories: string[];
}

export function listExistingSources(db: Db): ExistingSource[] {
  const rows = db.prepare('SELECT slug, url, origin, enabled FROM sources ORDER BY slug').all() as {
    slug: string;
    url: string | null;
    origin: string;
    enabled: number;
  }[];
  return rows.map((r) => ({ slug: r.slug, url: r.url ?? undefined, origin: r.origin, enabled: r.enabled === 1 }));
}

/**
 * Adds new sources and updates existing ones by slug, in one transaction.
 * An updated source is enabled again; one the config file dropped is adopted
 * by the import (origin 'opml'), so the next config sync leaves it alone.
 */
export function saveImportedSources(db: Db, changes: { add: readonly ImportedSource[]; update: readonly ImportedSource[] }): void {
  const insert = db.prepare(
    `INSERT INTO sources (slug, name, url, site_url, categories, origin)
     VALUES (@slug, @name, @url, @siteUrl, @categories, 'opml')`,
  );
  const update = db.prepare(
    `UPDATE sources SET name = @name, site_url = @siteUrl, categories = @categories, enabled = 1, gone_at = NULL,
       origin = CASE WHEN origin = 'config' THEN 'opml' ELSE origin END
     WHERE slug = @slug`,
  );
  const row = (s: ImportedSource) => ({
    slug: s.slug,
    name: s.name,
    url: s.url,
    siteUrl: s.siteUrl ?? null,
    categories: JSON.stringify(s.categories),
  });
  db.transaction(() => {
    for (const s of changes.add) insert.run(row(s));
    for (const s of changes.update) update.run(row(s));
  }).immediate();
}

/** A source added through the admin API; `everyMinutes` is how often it is due. */
export interface AdminSource {
  slug: string;
  name: string;
  url: string;
  siteUrl?: string;
  categories: string[];
  everyMinutes: number;
  embargoAware?: boolean;
}

export function insertAdminSource(db: Db, s: AdminSource): void {
  db.prepare(
    `INSERT INTO sources (slug, name, url, site_url, categories, every_minutes, embargo_aware, origin)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'admin')`,
  ).run(s.slug, s.name, s.url, s.siteUrl ?? null, JSON.stringify(s.categories), s.everyMinutes, s.embargoAware ? 1 : 0);
}

/** A change through the admin API: absent fields stay as they are; `siteUrl: null` clears it. */
export interface AdminSourcePatch {
  name?: string;
  url?: string;
  siteUrl?: string | null;
  categories?: string[];
  everyMinutes?: number;
  enabled?: boolean;
  embargoAware?: boolean;
}

export function updateAdminSource(db: Db, slug: string, p: AdminSourcePatch): void {
  db.prepare(
    `UPDATE sources SET
       name = coalesce(@name, name),
       site_url = CASE WHEN @setSiteUrl THEN @siteUrl ELSE site_url END,
       categories = coalesce(@categories, categories),
       every_minutes = coalesce(@every, every_minutes),
       enabled = coalesce(@enabled, enabled),
       embargo_aware = coalesce(@embargoAware, embargo_aware),
       -- A new URL starts afresh: no redirect target, no validators, due now.
       fetch_url = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN NULL ELSE fetch_url END,
       etag = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN NULL ELSE etag END,
       last_modified = CASE WHEN @url IS NOT NULL AND @url IS NOT url THEN NULL ELSE last_modified END,
       next_due_at = CASE WHEN @url IS NOT NULL AND @url IS NOT url OR gone_at IS NOT NULL THEN 0 ELSE next_due_at END,
       -- Any change by the operator is the decision to try a gone source again (due now, above).
       gone_at = NULL,
       url = coalesce(@url, url),
       -- Whoever changes it through the API manages it from now on (a config source it dropped, an import).
       origin = 'admin'
     WHERE slug = @slug`,
  ).run({
    slug,
    name: p.name ?? null,
    setSiteUrl: p.siteUrl !== undefined ? 1 : 0,
    siteUrl: p.siteUrl ?? null,
    categories: p.categories ? JSON.stringify(p.categories) : null,
    every: p.everyMinutes ?? null,
    enabled: p.enabled === undefined ? null : p.enabled ? 1 : 0,
    embargoAware: p.embargoAware === undefined ? null : p.embargoAware ? 1 : 0,
    url: p.url ?? null,
  });
}

/** Stops polling a source; its articles stay published. */
export function disableSource(db: Db, slug: string): void {
  db.prepare('UPDATE sources SET enabled = 0 WHERE slug = ?').run(slug);
}

/** Who manages a source, whether it is on and whether it reads the local disk; undefined when there is no such slug. */
export function sourceOwnership(db: Db, slug: string): { origin: string; enabled: boolean; local: boolean } | undefined {
  const row = db.prepare('SELECT origin, enabled, articles_dir, url FROM sources WHERE slug = ?').get(slug) as
    | { origin: string; enabled: number; articles_dir: string | null; url: string | null }
    | undefined;
  return row && { origin: row.origin, enabled: row.enabled === 1, local: row.articles_dir !== null || !!row.url?.startsWith('file:') };
}
