// Ingests asked of the writer by another process: `wirefeed ingest --once`
// next to a running `serve` adds a row, the serve holding the writer lease
// takes the rows in order and runs each through its schedule
// (ingest/requests.ts), and the CLI reads the row until it names the run.
import type { Db } from './db/db.js';

export interface IngestRequest {
  id: number;
  /** One source; undefined: every enabled source. */
  sourceSlug?: string;
  requestedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** The run that did it; undefined once finished means the writer could not run it. */
  runId?: number;
}

interface Row {
  id: number;
  source_slug: string | null;
  requested_at: number;
  started_at: number | null;
  finished_at: number | null;
  run_id: number | null;
}

export function addIngestRequest(db: Db, sourceSlug: string | undefined, at: Date): number {
  const sql = 'INSERT INTO ingest_requests (source_slug, requested_at) VALUES (?, ?)';
  return Number(db.prepare(sql).run(sourceSlug ?? null, at.getTime()).lastInsertRowid);
}

export function findIngestRequest(db: Db, id: number): IngestRequest | undefined {
  const row = db.prepare('SELECT * FROM ingest_requests WHERE id = ?').get(id) as Row | undefined;
  return row && toRequest(row);
}

/**
 * The oldest request not finished. One a writer started and never finished
 * (it died) counts: only the writer runs requests, one at a time, so the
 * one it is not running are its predecessor's.
 */
export function nextIngestRequest(db: Db): IngestRequest | undefined {
  const row = db.prepare('SELECT * FROM ingest_requests WHERE finished_at IS NULL ORDER BY id LIMIT 1').get() as Row | undefined;
  return row && toRequest(row);
}

export function startIngestRequest(db: Db, id: number, at: Date): void {
  db.prepare('UPDATE ingest_requests SET started_at = ? WHERE id = ?').run(at.getTime(), id);
}

export function finishIngestRequest(db: Db, id: number, runId: number | undefined, at: Date): void {
  db.prepare('UPDATE ingest_requests SET finished_at = ?, run_id = ? WHERE id = ?').run(at.getTime(), runId ?? null, id);
}

function toRequest(row: Row): IngestRequest {
  return {
    id: row.id,
    sourceSlug: row.source_slug ?? undefined,
    requestedAt: row.requested_at,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    runId: row.run_id ?? undefined,
  };
}
