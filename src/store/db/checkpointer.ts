// WAL checkpoints on a thread of their own. By default SQLite checkpoints
// inside the COMMIT that takes the write-ahead log past 1,000 pages: the
// committing thread copies those pages into the database file and syncs it,
// 40–100 ms during which a serving process answers nothing, and about a
// tenth of an ingest's time on the main thread. A long-running process
// (serve, ingest) turns that off on its connection and lets a worker thread
// with a connection of its own checkpoint every CHECKPOINT_MS. A PASSIVE
// checkpoint neither waits for nor blocks readers and the writer; the writer
// starts the log again from its beginning once everything in it is copied.
// Should the worker fail, the connection checkpoints as it did by default.
import { Worker } from 'node:worker_threads';
import type { Log } from '../../observe/log.js';
import type { Db } from './db.js';

const CHECKPOINT_MS = 250;
/** SQLite's own default for wal_autocheckpoint, in pages. */
const DEFAULT_AUTOCHECKPOINT = 1000;

export interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
}

export interface Checkpointer {
  /** Stops the worker (after its checkpoint in progress) and hands checkpoints back to the connection. */
  stop(): Promise<void>;
}

/** Starts checkpointing `db`'s log from a worker thread; nothing to do for an in-memory database. */
export function startCheckpointer(db: Db, log: Log): Checkpointer {
  if (db.memory) return { stop: async () => {} };
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
    workerData: { path: db.name, intervalMs: CHECKPOINT_MS } satisfies CheckpointWorkerData,
  });
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const handBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
  };
  // A worker that throws emits 'error' and then 'exit': logged once, at the exit.
  let failure: Error | undefined;
  worker.on('error', (err) => (failure = err));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      if (!stopping) {
        log.error({ event: 'checkpointer_failed', err: failure, exit_code: code }, 'WAL checkpoints are back on the main thread');
        handBack();
      }
      resolve();
    }),
  );
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      // Held until the worker has closed its connection (unreferenced, the process could end first).
      worker.ref();
      worker.postMessage('stop');
      await exited;
      handBack();
    },
  };
}
