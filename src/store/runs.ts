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
