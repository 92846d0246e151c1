// Sources: the configured ones kept in step with the database, their health,
// and which are due for a fetch.
import type { Source, SourceConfig, SourceResult } from '../model.js';
import type { Db } from './db/db.js';

interface SourceRow {
  id: number;
  slug: string;
  name: string;
  url: string | null;
  articles_dir: string | null;
  site_url: string | null;
  categories: string;
  every_minutes: number;
  embargo_aware: number;
  fetch_url: string | null;
  etag: string | null;
  last_modified: string | null;
  error_count: number;
  origin: string;
  gone_at: number | null;
}

export interface SourceHealth extends Source {
  enabled: boolean;
  lastFetchedAt?: Date;
  lastStatus?: string;
  lastError?: string;
  /** SourceResult.errorKind of the last error: what public pages show of it. */
  lastErrorKind?: string;
  httpStatus?: number;
  itemsSeen: number;
  articleCount: number;
  nextDueAt: Date;
  /** When the feed answered 410 Gone; it is not fetched while this is set. */
  goneAt?: Date;
}

/**
 * Inserts or updates the configured sources by slug. A source that came from
 * the config file and is no longer in it is disabled, not deleted: its
 * articles stay published, it is just not fetched any more.
 */
export function syncSources(db: Db, configs: readonly SourceConfig[]): void {
  const upsert = db.prepare(`
    INSERT INTO sources (slug, name, url, articles_dir, site_url, categories, every_minutes, embargo_aware)
    VALUES (@slug, @name, @url, @articlesDir, @siteUrl, @categories, @everyMinutes, @embargoAware)
    ON CONFLICT (slug) DO UPDATE SET name = excluded.name, url = excluded.url,
      articles_dir = excluded.articles_dir, site_url = excluded.site_url,
      categories = excluded.categories, every_minutes = excluded.every_minutes, enabled = 1,
      embargo_aware = excluded.embargo_aware,
      origin = 'config', -- the config file takes over a slug it now lists
      -- A new configured URL starts afresh: no redirect target, no validators, not gone.
      gone_at = CASE WHEN sources.url IS excluded.url THEN sources.gone_at END,
      fetch_url = CASE WHEN sources.url IS excluded.url THEN sources.fetch_url END,
      etag = CASE WHEN sources.url IS excluded.url THEN sources.etag END,
      last_modified = CASE WHEN sources.url IS excluded.url THEN sources.last_modified END`);
  const configured = JSON.stringify(configs.map((s) => s.slug));
  db.transaction(() => {
    db.prepare("UPDATE sources SET enabled = 0 WHERE origin = 'config' AND slug NOT IN (SELECT value FROM json_each(?))").run(configured);
    for (const s of configs) {
      upsert.run({
        slug: s.slug,
        name: s.name,
        url: s.url ?? null,
        articlesDir: s.articlesDir ?? null,
        siteUrl: s.siteUrl ?? null,
        categories: JSON.stringify(s.categories),
        everyMinutes: s.everyMinutes,
        embargoAware: s.embargoAware ? 1 : 0,
      });
    }
  }).immediate();
}

/** The sources that are fetched: configured now, or added and not disabled, and not gone. */
export function listSources(db: Db): Source[] {
  return (db.prepare('SELECT * FROM sources WHERE enabled = 1 AND gone_at IS NULL ORDER BY slug').all() as SourceRow[]).map(toSource);
}

export function findSourceBySlug(db: Db, slug: string): Source | undefined {
  const row = db.prepare('SELECT * FROM sources WHERE slug = ?').get(slug) as SourceRow | undefined;
  return row && toSource(row);
}

export function listDueSources(db: Db, now: Date): Source[] {
  const due = db.prepare('SELECT * FROM sources WHERE enabled = 1 AND gone_at IS NULL AND next_due_at <= ? ORDER BY next_due_at, slug');
  return (due.all(now.getTime()) as SourceRow[]).map(toSource);
}

/** Every source with its health; its article count leaves out those still under embargo, which the public must not learn of. */
export function listSourceHealth(db: Db, asOf = Date.now()): SourceHealth[] {
  const rows = db
    .prepare(
      `SELECT s.*, (SELECT count(*) FROM articles a WHERE a.source_id = s.id AND a.published_at <= ?) AS article_count
       FROM sources s ORDER BY s.slug`,
    )
    .all(asOf) as (SourceRow & Record<string, number | string | null>)[];
  return rows.map((r) => ({
    ...toSource(r),
    enabled: r.enabled === 1,
    lastFetchedAt: r.last_fetched_at === null ? undefined : new Date(r.last_fetched_at as number),
    lastStatus: (r.last_status as string | null) ?? undefined,
    lastError: (r.last_error as string | null) ?? undefined,
    lastErrorKind: (r.last_error_kind as string | null) ?? (r.last_error === null ? undefined : 'internal'),
    httpStatus: (r.http_status as number | null) ?? undefined,
    itemsSeen: r.items_seen as number,
    articleCount: r.article_count as number,
    nextDueAt: new Date(r.next_due_at as number),
    goneAt: r.gone_at === null ? undefined : new Date(r.gone_at),
  }));
}

export interface FetchState {
  etag?: string;
  lastModified?: string;
  /** Where a permanent redirect moved the feed. */
  movedTo?: string;
}

/**
 * Records what a fetch of the source did and when it is next due. Validators
 * are kept only from an answer that was fully stored, so that a failed
 * ingest is retried in full rather than answered with a 304. An interrupted
 * fetch leaves the count of failures in a row as it was.
 */
export function recordSourceResult(db: Db, source: Source, result: SourceResult, at: Date, state: FetchState = {}): void {
  const failed = result.status === 'error';
  db.prepare(
    `UPDATE sources SET last_fetched_at = @at, last_status = @status, last_error = @error, last_error_kind = @errorKind,
       error_count = CASE WHEN @failed THEN error_count + 1 WHEN @status = 'interrupted' THEN error_count ELSE 0 END,
       items_seen = CASE WHEN @status = 'ok' THEN @itemsSeen ELSE items_seen END,
       http_status = @httpStatus, next_due_at = @nextDue,
       etag = CASE WHEN @status = 'ok' THEN @etag ELSE etag END,
       last_modified = CASE WHEN @status = 'ok' THEN @lastModified ELSE last_modified END,
       fetch_url = coalesce(@movedTo, fetch_url),
       -- Gone on a 410 (and kept from the first one); an answer that was read means it is back.
       gone_at = CASE WHEN @errorKind = 'gone' THEN coalesce(gone_at, @at) WHEN @status IN ('ok', 'not-modified') THEN NULL ELSE gone_at END
     WHERE id = @id`,
  ).run({
    id: source.id,
    at: at.getTime(),
    status: result.status,
    failed: failed ? 1 : 0,
    error: result.error ?? null,
    errorKind: result.error === undefined ? null : (result.errorKind ?? 'internal'),
    itemsSeen: result.itemsSeen,
    httpStatus: result.httpStatus ?? null,
    nextDue: (result.nextDueAt ?? new Date(at.getTime() + source.everyMinutes * 60_000)).getTime(),
    etag: state.etag ?? null,
    lastModified: state.lastModified ?? null,
    movedTo: state.movedTo ?? null,
  });
}

function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    url: row.url ?? undefined,
    articlesDir: row.articles_dir ?? undefined,
    siteUrl: row.site_url ?? undefined,
    categories: JSON.parse(row.categories) as string[],
    everyMinutes: row.every_minutes,
    embargoAware: row.embargo_aware === 1,
    fetchUrl: row.fetch_url ?? undefined,
    etag: row.etag ?? undefined,
    lastModified: row.last_modified ?? undefined,
    errorCount: row.error_count,
    origin: row.origin,
  };
}
