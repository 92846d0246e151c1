// When a source is next due: its interval after a success; after failures
// in a row, the interval doubled per failure up to a cap; never sooner than a
// server's Retry-After (RFC 9110 10.2.3) on a 429 or 503; at once after a
// fetch that our own stop cut short.
import type { Source } from '../model.js';

export interface DueInput {
  failed: boolean;
  /** The fetch was aborted by a stop, not by the source: no wait, no back-off. */
  interrupted?: boolean;
  retryAfterMs?: number;
}

export function nextDueAt(source: Pick<Source, 'everyMinutes' | 'errorCount'>, outcome: DueInput, now: Date, maxBackoffMs: number): Date {
  if (outcome.interrupted) return now;
  const interval = source.everyMinutes * 60_000;
  if (!outcome.failed) return new Date(now.getTime() + interval);
  const failures = source.errorCount + 1;
  const backoff = Math.min(interval * 2 ** failures, maxBackoffMs);
  const retryAfter = Math.min(outcome.retryAfterMs ?? 0, maxBackoffMs);
  return new Date(now.getTime() + Math.max(interval, backoff, retryAfter));
}
