// What the built-in hub's worker reports as its requests end (for /metrics,
// observe/metrics.ts; serve's writer thread passes it on to the main
// thread, cli/serve/writer.ts). Its own module, below the worker, so that
// metrics can name it without importing the hub.

/** How a delivery attempt ended: sent, failed (to be retried), or failed for the last time (given up). */
export type AttemptOutcome = 'delivered' | 'failed' | 'abandoned';

/** How a delivery the hub owed ended: an attempt's outcome, or not sent because the subscriber already had that document. */
export type HubDeliveryOutcome = AttemptOutcome | 'unchanged';

/** How an intent verification ended (WebSub 5.3). */
export type Verdict = 'confirmed' | 'not-confirmed';

export interface HubObserver {
  onDelivery?(outcome: HubDeliveryOutcome): void;
  onVerification?(verdict: Verdict): void;
}
