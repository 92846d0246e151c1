// Writes the operator makes from the command line rather than the config
// file: sources imported from an OPML list. They are stored with origin
// 'opml'; config sync disables only origin 'config' sources that left the
// config file, so imported sources survive restarts.
import type { Db } from './db.js';

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
    `UPDATE sources SET name = @name, site_url = @siteUrl, categories = @categories, enabled = 1,
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
  })();
}
