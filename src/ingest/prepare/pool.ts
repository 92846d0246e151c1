// Worker threads for the CPU-bound half of ingest (decode, parse, normalize,
// sanitize, classify: prepare/feed.ts), so that an ingest uses more than one
// core while the main thread fetches and writes to the database. One feed at
// a time per worker; a worker that dies fails only the feed it had, and is
// replaced. Idle workers do not keep the process alive.
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

export class PreparePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
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
      const worker = this.idle.pop() ?? (this.busy.size < this.size ? this.start() : undefined);
      if (!worker) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.task);
    }
  }

  private start(): Worker {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: this.cfg });
    worker.on('message', (reply: PrepareReply) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if (pending && 'prepared' in reply) pending.resolve(reply.prepared);
      else if (pending && 'error' in reply) pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      this.dispatch();
    });
    const fail = (err: Error) => {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      pending?.reject(new Error(`prepare: worker failed: ${err.message}`, { cause: err }));
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
