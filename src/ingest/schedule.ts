// The ingest schedule: every node-cron tick picks the sources that are due
// and refreshes them through a bounded pool. A tick that finds the previous
// run still going does nothing, so runs never overlap; an ingest asked for
// from outside (runNow: another process's `ingest --once`) waits its turn.
import cron, { type ScheduledTask } from 'node-cron';
import type { Context } from '../context.js';
import { type RecordedRun, runIngestRecorded } from './run.js';
import type { Source, SourceResult } from '../model.js';
import { noteDatabaseError } from '../store/db/health.js';
import { listDueSources } from '../store/sources.js';

export interface Scheduler {
  /** Runs the due sources now (unless a run is going); resolves with their results. */
  tick(): Promise<SourceResult[]>;
  /**
   * Runs these sources, due or not, once the run going (if any) has ended.
   * Rejects with SchedulerStopped once stopped.
   */
  runNow(sources: readonly Source[]): Promise<RecordedRun>;
  /**
   * Stops the schedule. A running ingest takes no more sources and aborts the
   * fetches in flight (their sources are recorded as interrupted); a source
   * already fetched is stored. Resolves when the run has ended.
   */
  stop(): Promise<void>;
}

/** Told as sources and runs finish (the metrics count them). */
export interface IngestObserver {
  onResult?(result: SourceResult): void;
  onRun?(results: readonly SourceResult[]): void;
}

export class SchedulerStopped extends Error {
  override name = 'SchedulerStopped';
  constructor() {
    super('schedule: stopped; the run was not started');
  }
}

export function startScheduler(ctx: Context, observer: IngestObserver = {}): Scheduler {
  let running: Promise<RecordedRun> | undefined;
  let stopped = false;
  // One per run rather than one for the scheduler's life: every fetch
  // combines it with its own timeout, and Node 20 keeps an entry for each
  // combination in it for as long as it lives (see fetch.ts).
  let run: AbortController | undefined;
  const start = async (sources: readonly Source[]): Promise<RecordedRun> => {
    run = new AbortController();
    running = runIngestRecorded(ctx, sources, (r) => observer.onResult?.(r), run.signal);
    try {
      const recorded = await running;
      observer.onRun?.(recorded.results);
      return recorded;
    } catch (err) {
      // Recording the run itself failed (a source's own failures stay in its result).
      noteDatabaseError(ctx.db, err);
      throw err;
    } finally {
      running = undefined;
      run = undefined;
    }
  };
  const tick = async (): Promise<SourceResult[]> => {
    if (running || stopped) return [];
    const due = listDueSources(ctx.db, new Date());
    if (due.length === 0) return [];
    return (await start(due)).results;
  };
  const runNow = async (sources: readonly Source[]): Promise<RecordedRun> => {
    // Several may wait on one run: each looks again when it ends, and the first to look goes.
    while (running) await running.catch(() => undefined);
    if (stopped) throw new SchedulerStopped();
    return start(sources);
  };
  const task: ScheduledTask = cron.schedule(ctx.cfg.ingest.schedule, () => {
    tick().catch((err: unknown) => ctx.log.error({ event: 'ingest_failed', err }, 'scheduled ingest failed'));
  });
  return {
    tick,
    runNow,
    async stop() {
      stopped = true;
      run?.abort();
      await task.stop();
      await running?.catch(() => undefined);
    },
  };
}
