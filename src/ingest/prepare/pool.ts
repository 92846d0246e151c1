// Worker threads for the CPU-bound half of ingest (decode, parse, normalize,
// sanitize, classify: prepare/feed.ts), so that an ingest uses more than one
// core while the main thread fetches and writes to the database. A worker
// prepares one feed at a time and has the next one waiting beside it
// (IN_FLIGHT): a finished feed's answer is read on the main thread, which may
// be busy storing another feed for tens of milliseconds, and a worker handed
// its next feed only then stood idle meanwhile. A worker that dies fails only
// the feeds it had, and is replaced. Idle workers do not keep the process alive.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { Source } from '../../model.js';
import type { PreparedFeed } from './feed.js';

export interface PrepareTask {
  id: number;
  source: Source;
  body: Uint8Array;
  contentType?: string;
  now: number;
  /** The source's newest articles' guids and content hashes (prepare/feed.ts). */
  stored?: Map<string, string>;
}

export type PrepareReply = { id: number; prepared: PreparedFeed } | { id: number; error: { name: string; message: string } };

interface Pending {
  task: PrepareTask;
  resolve: (prepared: PreparedFeed) => void;
  reject: (err: Error) => void;
}

/** Feeds handed to a worker at once: the one it prepares and the next. */
const IN_FLIGHT = 2;

export class PreparePool {
  /** Each started worker's feeds, by task id, in the order handed to it. */
  private readonly workers = new Map<Worker, Map<number, Pending>>();
  private readonly queue: Pending[] = [];
  private nextId = 1;

  constructor(
    private readonly cfg: Readonly<Config>,
    private readonly size: number,
  ) {}

  prepare(source: Source, body: Uint8Array, contentType: string | undefined, now: Date, stored?: Map<string, string>): Promise<PreparedFeed> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task: { id: this.nextId++, source, body, contentType, now: now.getTime(), stored }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.leastBusy();
      if (!worker) return;
      const pending = this.queue.shift()!;
      const tasks = this.workers.get(worker)!;
      tasks.set(pending.task.id, pending);
      worker.ref();
      worker.postMessage(pending.task);
    }
  }

  /** An idle worker, else a new one while there may be more, else the least busy with room for another feed. */
  private leastBusy(): Worker | undefined {
    let best: Worker | undefined;
    for (const [worker, tasks] of this.workers) {
      if (tasks.size === 0) return worker;
      if (tasks.size < IN_FLIGHT && (!best || tasks.size < this.workers.get(best)!.size)) best = worker;
    }
    return this.workers.size < this.size ? this.start() : best;
  }

  private start(): Worker {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: this.cfg });
    const tasks = new Map<number, Pending>();
    this.workers.set(worker, tasks);
    worker.on('message', (reply: PrepareReply) => {
      const pending = tasks.get(reply.id);
      tasks.delete(reply.id);
      if (tasks.size === 0) worker.unref();
      if (pending && 'prepared' in reply) pending.resolve(reply.prepared);
      else if (pending && 'error' in reply) pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      this.dispatch();
    });
    const fail = (err: Error) => {
      // Once: a worker that throws emits 'error' and then 'exit'.
      if (this.workers.get(worker) !== tasks) return;
      this.workers.delete(worker);
      for (const pending of tasks.values()) pending.reject(new Error(`prepare: worker failed: ${err.message}`, { cause: err }));
      tasks.clear();
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    return worker;
  }
}

const pools = new WeakMap<Readonly<Config>, PreparePool | null>();

/**
 * The pool for this configuration: one worker per core beyond the first, at
 * most one per source fetched at once; none on a single core, where the
 * main thread prepares feeds itself.
 */
export function preparePoolFor(cfg: Readonly<Config>): PreparePool | undefined {
  let pool = pools.get(cfg);
  if (pool === undefined) {
    const size = Math.min(availableParallelism() - 1, cfg.ingest.concurrency);
    pool = size > 0 ? new PreparePool(cfg, size) : null;
    pools.set(cfg, pool);
  }
  return pool ?? undefined;
}
