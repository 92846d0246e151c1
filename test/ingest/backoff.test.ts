// When a source is next due, after each kind of outcome.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DueInput, nextDueAt } from '../../src/ingest/backoff.js';

const now = new Date('2026-11-23T09:00:00Z');
const minutes = (n: number) => n * 60_000;
const day = minutes(24 * 60);

const cases: { name: string; errorCount: number; outcome: DueInput; wait: number }[] = [
  { name: 'a success waits the interval', errorCount: 3, outcome: { failed: false }, wait: minutes(15) },
  { name: 'a first failure doubles it', errorCount: 0, outcome: { failed: true }, wait: minutes(30) },
  { name: 'a third failure in a row waits eight intervals', errorCount: 2, outcome: { failed: true }, wait: minutes(120) },
  { name: 'failures in a row wait no more than the cap', errorCount: 20, outcome: { failed: true }, wait: day },
  { name: "a server's Retry-After longer than the back-off wins", errorCount: 0, outcome: { failed: true, retryAfterMs: minutes(90) }, wait: minutes(90) },
  { name: 'an interrupted fetch is due at once, whatever failed before', errorCount: 4, outcome: { failed: false, interrupted: true }, wait: 0 },
];

for (const c of cases) {
  test(`nextDueAt: ${c.name}`, () => {
    const due = nextDueAt({ everyMinutes: 15, errorCount: c.errorCount }, c.outcome, now, day);
    assert.equal(due.getTime() - now.getTime(), c.wait);
  });
}
