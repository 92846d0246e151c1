// `wirefeed ingest` without --once: the ingest schedule in the foreground,
// without the HTTP server, for a machine that only ingests (or a cron-less
// container). It is serve's writer thread: it holds the writer lease while
// it runs the schedule, so next to a running serve only one of them writes,
// and the other takes over when it stops. Ctrl-C or SIGTERM stops it after
// the run in flight records its sources as interrupted.
import type { Context } from '../context.js';
import { createMetrics } from '../observe/metrics.js';
import { startCheckpointer } from '../store/db/checkpointer.js';
import { stopOnSignal } from './serve/drain.js';
import { startWriterThread } from './serve/writer.js';

export async function runSchedule(ctx: Context): Promise<void> {
  const checkpointer = startCheckpointer(ctx.db, ctx.log);
  const writer = startWriterThread(ctx, createMetrics());
  const { schedule, onStart } = ctx.cfg.ingest;
  process.stderr.write(
    `Ingesting on the schedule "${schedule}"${onStart ? ', and once now,' : ''} in the foreground (one log line per source on stderr); Ctrl-C to stop.\n`,
  );
  stopOnSignal(ctx.log, ctx.cfg.server.shutdownGraceMs, async () => {
    await writer.stop();
    await checkpointer.stop();
    ctx.db.close();
  });
  // Runs until a signal; stopOnSignal ends the process.
  await new Promise<never>(() => {});
}
