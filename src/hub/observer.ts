// What the built-in hub's worker reports as its requests end (for /metrics,
// observe/metrics.ts; serve's writer thread passes it on to the main
// thread, cli/serve/writer.ts). Its own module, below the worker, so that
// metrics can name it without importing the hub.

/** How a delivery attempt ended: sent, failed (to be retried), or failed for the last time (given up). */
export type AttemptOutcome = 'delivered' | 'failed' | 'abandoned';

/** How an intent verification ended (WebSub 5.3). */
export type Verdict = 'confirmed' | 'not-confirmed';

export interface HubObserver {
  onDelivery?(outcome: AttemptOutcome): void;
  onVerification?(verdict: Verdict): void;
}
