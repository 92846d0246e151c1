// Categories: the configured taxonomy mirrored into the database, so that
// article rows can reference it.
import type { Category } from '../model.js';
import type { Db } from './db/db.js';

export function syncCategories(db: Db, categories: readonly Category[]): void {
  const upsert = db.prepare(
    'INSERT INTO categories (slug, label) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET label = excluded.label',
  );
  db.transaction(() => categories.forEach((c) => upsert.run(c.slug, c.label))).immediate();
}

export function listCategories(db: Db): Category[] {
  return db.prepare('SELECT slug, label FROM categories ORDER BY label').all() as Category[];
}

/**
 * The categories that have at least one published story: the ones the
 * index, the OPML list and autodiscovery advertise. An empty category's
 * feed still answers (a valid empty feed); it is just not offered.
 */
export function listCategoriesInUse(db: Db, asOf = Date.now()): Category[] {
  // One that holds only an article under embargo is not offered yet: that would tell of it.
  return db
    .prepare(
      `SELECT slug, label FROM categories c
        WHERE EXISTS (SELECT 1 FROM article_categories ac JOIN articles a ON a.id = ac.article_id
                       WHERE ac.category_slug = c.slug AND a.withdrawn_at IS NULL AND ac.published_at <= ?)
        ORDER BY label`,
    )
    .all(asOf) as Category[];
}

export function findCategory(db: Db, slug: string): Category | undefined {
  return db.prepare('SELECT slug, label FROM categories WHERE slug = ?').get(slug) as Category | undefined;
}
