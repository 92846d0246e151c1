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

export function findCategory(db: Db, slug: string): Category | undefined {
  return db.prepare('SELECT slug, label FROM categories WHERE slug = ?').get(slug) as Category | undefined;
}
