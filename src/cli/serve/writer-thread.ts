// The writer thread of `serve` (started by writer.ts): the writer lease and,
// while this process holds it, the writer's duties (writer-duties.ts: the
// ingest schedule and the ingests other processes hand over). It has an
// event loop and a database connection of its own, so that an ingest's
// parsing, cleaning, relating and commits, and its waits for another
// process's write lock, never hold up the thread that answers requests.
//
// It runs at a lower CPU priority than the threads that answer requests (as
// do the prepare threads it starts, which inherit it): on a machine whose
// cores are all busy, a request waits for no ingest, the ingest for the
// requests. Idle cores are still the ingest's.
//
// It tells the main thread when it becomes or stops being the writer, and
// each source's and run's results and the WebSub hub's and webhooks' outcomes (for
// /metrics); on 'stop' it ends its
// ingest (fetches in flight abort, sources fetched are stored), gives up the
// lease, closes its connection and says 'stopped'.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import { openContext } from '../../context.js';
import { createLog } from '../../observe/log.js';
import { startLease } from '../../store/db/lease.js';
import { writerDuties } from './writer-duties.js';
import type { FromWriter, ToWriter, WriterThreadData } from './writer.js';

/** Under contention a thread at nice 10 gets about a tenth of the CPU of one at 0 (the kernel's weights 110 : 1024). */
const WRITER_NICE = 10;

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs as a worker thread of serve');
const { cfg, logLevel } = workerData as WriterThreadData;
const tell = (message: FromWriter) => port.postMessage(message);

lowerThisThreadsPriority();
const ctx = openContext(cfg as Readonly<Config>, createLog(logLevel), { migrated: true });
const duties = writerDuties(
  ctx,
  {
    onResult: (result) => tell({ kind: 'result', result }),
    onRun: (results) => tell({ kind: 'run', results: [...results] }),
    onPurge: (purger, outcome, keys) => tell({ kind: 'purge', purger, outcome, keys }),
  },
  {
    onDelivery: (outcome) => tell({ kind: 'hub-delivery', outcome }),
    onVerification: (verdict) => tell({ kind: 'hub-verification', verdict }),
  },
  { onDelivery: (outcome) => tell({ kind: 'webhook-delivery', outcome }) },
);
const { writerHeartbeatMs: heartbeatMs, writerTimeoutMs: timeoutMs } = cfg.server;
const lease = startLease(ctx.db, ctx.log, { heartbeatMs, timeoutMs }, (writer) => {
  duties.set(writer);
  tell({ kind: 'writer', writer });
});

port.on('message', (message: ToWriter) => {
  if (message.kind !== 'stop') return;
  duties
    .stop()
    .catch((err: unknown) => ctx.log.error({ event: 'writer_stop_failed', err }, 'writer: stopping its ingest failed'))
    .finally(() => {
      // Given up only now that the ingest has ended: the next writer starts at once.
      lease.stop();
      ctx.db.close();
      tell({ kind: 'stopped' });
      port.close();
    });
});

/**
 * Nice 10 for this thread alone, and the threads it starts after (Linux
 * keeps a nice value per thread, and os.setPriority takes a thread's id as
 * well as a process's). Elsewhere, or without /proc, it stays as it is.
 */
function lowerThisThreadsPriority(): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, WRITER_NICE);
  } catch {
    // Not Linux, or not allowed: the same work at the same priority as the requests.
  }
}
