// Ingest runs and what each did per source.
import type { SourceResult } from '../model.js';
import type { Db } from './db/db.js';

export function startRun(db: Db, at: Date): number {
  return Number(db.prepare('INSERT INTO ingest_runs (started_at) VALUES (?)').run(at.getTime()).lastInsertRowid);
}

export function finishRun(db: Db, runId: number, at: Date): void {
  db.prepare('UPDATE ingest_runs SET finished_at = ? WHERE id = ?').run(at.getTime(), runId);
}

export function recordRunResult(db: Db, runId: number, sourceId: number, r: SourceResult): void {
  db.prepare(
    `INSERT INTO ingest_results (run_id, source_id, status, items_seen, items_new, items_updated, error, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(runId, sourceId, r.status, r.itemsSeen, r.itemsNew, r.itemsUpdated, r.error ?? null, r.durationMs);
}

/** What ingest_results keeps of a source's result. */
export type RecordedResult = Pick<SourceResult, 'source' | 'status' | 'itemsSeen' | 'itemsNew' | 'itemsUpdated' | 'error' | 'durationMs'>;

/** What a run recorded per source, by source slug: enough to print its table again in another process. */
export function listRunResults(db: Db, runId: number): RecordedResult[] {
  const rows = db
    .prepare(
      `SELECT s.slug AS source, r.status, r.items_seen AS itemsSeen, r.items_new AS itemsNew,
              r.items_updated AS itemsUpdated, r.error, r.duration_ms AS durationMs
       FROM ingest_results r JOIN sources s ON s.id = r.source_id WHERE r.run_id = ? ORDER BY s.slug`,
    )
    .all(runId) as (Omit<SourceResult, 'error'> & { error: string | null })[];
  return rows.map(({ error, ...r }) => (error === null ? r : { ...r, error }));
}

/**
 * Whether the archive is worth serving: it holds an article, or an ingest
 * run has finished (the sources were read, even if they had nothing), or
 * there is no enabled source to wait for. A fresh database before its first
 * ingest is none of these: its feeds would be empty, and a cache in front
 * would keep them so (http/ops.ts, /readyz).
 */
export function archiveReady(db: Db): boolean {
  const row = db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM articles)
           OR EXISTS (SELECT 1 FROM ingest_runs WHERE finished_at IS NOT NULL)
           OR NOT EXISTS (SELECT 1 FROM sources WHERE enabled = 1) AS ready`,
    )
    .get() as { ready: number };
  return row.ready === 1;
}
