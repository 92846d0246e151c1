// The loop both outgoing-request workers share: the WebSub hub's (worker.ts)
// and the partner webhooks' (webhooks/worker.ts). Every `pollMs`, and as soon
// as a request ends, `fill` reads the queue in the database and starts what
// fits. A request whose outcome could not be recorded (the database's
// failure, not the receiver's) keeps its slot for RESTING_MS, so that the
// same receiver is not called again and again while nothing can be written.
// `stop` aborts the requests under way (left queued) and waits for them.
import { setMaxListeners } from 'node:events';
import type { Log } from '../observe/log.js';

/** How long a request whose outcome could not be recorded waits before it is tried again. */
const RESTING_MS = 5_000;

export interface RequestPool {
  /** Aborted at stop: every request listens for it. */
  readonly signal: AbortSignal;
  /** Requests under way. */
  readonly size: number;
  /** Runs `work`; `done` is called when it has ended (later when its outcome could not be recorded). */
  run(work: Promise<unknown>, done: () => void): void;
  stop(): Promise<void>;
}

export interface RequestPoolOptions {
  pollMs: number;
  /** Requests at once at most: the stop signal gets a listener per request. */
  concurrency: number;
  log: Log;
  /** Names its log lines: `websub` logs `websub_worker_failed`, "websub: reading the queue failed". */
  name: string;
  /** Reads the queue and starts what fits; called on every poll and when a request ends. */
  fill(pool: RequestPool): void;
  /** Ends what the pool used (the client's connections), once every request has ended. */
  close(): Promise<void>;
}

export function startRequestPool(options: RequestPoolOptions): RequestPool {
  const { pollMs, log, name } = options;
  const failedEvent = `${name}_worker_failed`;
  const stopping = new AbortController();
  setMaxListeners(options.concurrency + 10, stopping.signal);
  const running = new Set<Promise<unknown>>();
  let scheduled = false;
  let stopped: Promise<void> | undefined;

  const tick = () => {
    scheduled = false;
    if (stopping.signal.aborted) return;
    try {
      options.fill(pool);
    } catch (err) {
      // A busy or failing database: the next poll tries again.
      log.error({ event: failedEvent, err }, `${name}: reading the queue failed`);
    }
  };

  /** A slot came free: fill it now rather than at the next poll, so that a long queue keeps every slot busy. */
  const kick = () => {
    if (scheduled || stopping.signal.aborted) return;
    scheduled = true;
    setImmediate(tick);
  };

  const pool: RequestPool = {
    signal: stopping.signal,
    get size() {
      return running.size;
    },
    run(work, done) {
      const task = work
        .then(done, (err: unknown) => {
          log.error({ event: failedEvent, err }, `${name}: recording a request's outcome failed`);
          setTimeout(done, RESTING_MS).unref();
        })
        .finally(() => {
          running.delete(task);
          kick();
        });
      running.add(task);
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        clearInterval(timer);
        while (running.size > 0) await Promise.all([...running]);
        await options.close();
      })();
      return stopped;
    },
  };

  const timer = setInterval(tick, pollMs);
  timer.unref();
  kick();
  return pool;
}
