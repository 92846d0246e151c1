// Writes the body text of articles stored before migration 009, which
// moved search from the body's HTML to its text: SQL cannot strip tags, so
// this runs in JavaScript, in batches, when a database is opened. Withdrawn
// articles keep no text: they are out of the search index, and writing the
// column would make its trigger tell the index to forget what it never held.
import { bodyText } from '../../ingest/clean/body-text.js';
import { type Db, prepared } from '../db/db.js';

const BATCH = 1_000;

/** Fills in every pending body text; the number of articles written. */
export function backfillBodyText(db: Db, onBatch?: (done: number) => void): number {
  let done = 0;
  let after = 0;
  for (;;) {
    const rows = prepared(
      db,
      'SELECT id, content_html AS html FROM articles WHERE body_text IS NULL AND withdrawn_at IS NULL AND id > ? ORDER BY id LIMIT ?',
    ).all(after, BATCH) as { id: number; html: string }[];
    if (rows.length === 0) return done;
    db.transaction(() => {
      for (const row of rows) prepared(db, 'UPDATE articles SET body_text = ? WHERE id = ?').run(bodyText(row.html), row.id);
    }).immediate();
    after = rows.at(-1)!.id;
    done += rows.length;
    onBatch?.(done);
  }
}
