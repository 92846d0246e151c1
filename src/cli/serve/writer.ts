// The main thread's side of serve's writer thread (writer-thread.ts), which
// holds the writer lease and ingests while it holds it: starts it, mirrors
// what it tells into /metrics, starts it again should it crash (a second
// after, so that a fault that kills it at once does not spin), and stops it.
import { Worker } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { Context } from '../../context.js';
import type { AttemptOutcome, HubDeliveryOutcome, Verdict } from '../../hub/observer.js';
import type { SourceResult } from '../../model.js';
import type { Metrics } from '../../observe/metrics.js';

export interface WriterThreadData {
  cfg: Readonly<Config>;
  logLevel: string;
}

export type ToWriter = { kind: 'stop' };
export type FromWriter =
  | { kind: 'writer'; writer: boolean }
  | { kind: 'result'; result: SourceResult }
  | { kind: 'run'; results: SourceResult[] }
  | { kind: 'purge'; purger: string; outcome: 'ok' | 'failed'; keys: number }
  | { kind: 'hub-delivery'; outcome: HubDeliveryOutcome }
  | { kind: 'hub-verification'; verdict: Verdict }
  | { kind: 'webhook-delivery'; outcome: AttemptOutcome }
  | { kind: 'stopped' };

export interface WriterThread {
  /** Ends the thread's ingest and its lease; resolves when it has exited. */
  stop(): Promise<void>;
}

const RESTART_AFTER_MS = 1_000;

export function startWriterThread(ctx: Context, metrics: Metrics): WriterThread {
  let worker: Worker | undefined;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  const start = () => {
    const data: WriterThreadData = { cfg: ctx.cfg, logLevel: ctx.log.level };
    const thread = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: data });
    worker = thread;
    thread.on('message', (message: FromWriter) => {
      if (message.kind === 'writer') metrics.observeWriter(message.writer && !stopping);
      else if (message.kind === 'result') metrics.ingest.onResult?.(message.result);
      else if (message.kind === 'run') metrics.ingest.onRun?.(message.results);
      else if (message.kind === 'purge') metrics.observePurge(message.purger, message.outcome, message.keys);
      else if (message.kind === 'hub-delivery') metrics.hub.onDelivery?.(message.outcome);
      else if (message.kind === 'hub-verification') metrics.hub.onVerification?.(message.verdict);
      else if (message.kind === 'webhook-delivery') metrics.webhooks.onDelivery?.(message.outcome);
    });
    thread.on('error', (err) => ctx.log.error({ event: 'writer_thread_failed', err }, 'writer thread failed'));
    thread.on('exit', (code) => {
      metrics.observeWriter(false);
      worker = undefined;
      if (stopping) return;
      ctx.log.error({ event: 'writer_thread_exited', code }, `writer thread exited (${code}); starting it again`);
      restart = setTimeout(start, RESTART_AFTER_MS);
    });
  };
  start();
  return {
    async stop() {
      stopping = true;
      clearTimeout(restart);
      const thread = worker;
      if (!thread) return;
      await new Promise<void>((resolve) => {
        thread.once('exit', () => resolve());
        thread.postMessage({ kind: 'stop' } satisfies ToWriter);
      });
    },
  };
}
