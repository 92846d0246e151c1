// The ingest schedule: every node-cron tick picks the sources that are due
// and refreshes them through a bounded pool. A tick that finds the previous
// run still going does nothing, so runs never overlap.
import cron, { type ScheduledTask } from 'node-cron';
import type { Context } from './context.js';
import { runIngest } from './ingest/run.js';
import type { SourceResult } from './model.js';
import { noteDatabaseError } from './store/health.js';
import { listDueSources } from './store/sources.js';

export interface Scheduler {
  /** Runs the due sources now (unless a run is going); resolves with their results. */
  tick(): Promise<SourceResult[]>;
  /** Stops the schedule; a running ingest finishes the sources it has started and takes no more. */
  stop(): Promise<void>;
}

/** Told as sources and runs finish (the metrics count them). */
export interface IngestObserver {
  onResult?(result: SourceResult): void;
  onRun?(results: readonly SourceResult[]): void;
}

export function startScheduler(ctx: Context, observer: IngestObserver = {}): Scheduler {
  let running: Promise<SourceResult[]> | undefined;
  const stopping = new AbortController();
  const tick = async (): Promise<SourceResult[]> => {
    if (running || stopping.signal.aborted) return [];
    const due = listDueSources(ctx.db, new Date());
    if (due.length === 0) return [];
    running = runIngest(ctx, due, (r) => observer.onResult?.(r), stopping.signal);
    try {
      const results = await running;
      observer.onRun?.(results);
      return results;
    } catch (err) {
      // Recording the run itself failed (a source's own failures stay in its result).
      noteDatabaseError(ctx.db, err);
      throw err;
    } finally {
      running = undefined;
    }
  };
  const task: ScheduledTask = cron.schedule(ctx.cfg.ingest.schedule, () => {
    tick().catch((err: unknown) => ctx.log.error({ event: 'ingest_failed', err }, 'scheduled ingest failed'));
  });
  return {
    tick,
    async stop() {
      await task.stop();
      stopping.abort();
      await running?.catch(() => undefined);
    },
  };
}
