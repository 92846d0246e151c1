// How many published articles each feed holds and when the newest was
// published: what the HTML pages show beside every feed, so that a reader
// sees a feed is alive (and an empty category is not offered at all).
// One grouped query per kind of feed, each over its time index.
import type { Db } from './db/db.js';

export interface FeedStat {
  articles: number;
  newest: Date;
}

export interface FeedStats {
  all?: FeedStat;
  categories: Map<string, FeedStat>;
  /** By source slug. */
  sources: Map<string, FeedStat>;
  tags: Map<string, FeedStat>;
}

interface StatRow {
  key: string;
  articles: number;
  newest: number;
}

/** Counted as the public sees them at `asOf`: an article under embargo is not there yet. */
export function feedStats(db: Db, asOf = Date.now()): FeedStats {
  // As the feed of everything lists them: a story told by several sources once.
  const all = db
    .prepare('SELECT count(*) AS articles, max(published_at) AS newest FROM articles WHERE story_id IS NULL AND withdrawn_at IS NULL AND published_at <= ?')
    .get(asOf) as { articles: number; newest: number | null };
  return {
    all: all.articles > 0 && all.newest !== null ? { articles: all.articles, newest: new Date(all.newest) } : undefined,
    // A withdrawn article has no category or tag rows left (ingest/publish-article.ts).
    categories: byKey(
      db
        .prepare('SELECT category_slug AS key, count(*) AS articles, max(published_at) AS newest FROM article_categories WHERE published_at <= ? GROUP BY category_slug')
        .all(asOf) as StatRow[],
    ),
    sources: byKey(
      db
        .prepare(
          `SELECT s.slug AS key, count(*) AS articles, max(a.published_at) AS newest
           FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.withdrawn_at IS NULL AND a.published_at <= ? GROUP BY s.slug`,
        )
        .all(asOf) as StatRow[],
    ),
    tags: byKey(db.prepare('SELECT slug AS key, count(*) AS articles, max(published_at) AS newest FROM article_tags WHERE published_at <= ? GROUP BY slug').all(asOf) as StatRow[]),
  };
}

function byKey(rows: StatRow[]): Map<string, FeedStat> {
  return new Map(rows.map((r) => [r.key, { articles: r.articles, newest: new Date(r.newest) }]));
}
