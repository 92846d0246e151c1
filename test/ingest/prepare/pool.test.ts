// The worker threads that prepare fetched feeds give what the main thread
// would, and a feed that cannot be read fails alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareDocument } from '../../../src/ingest/prepare/feed.js';
import { PreparePool } from '../../../src/ingest/prepare/pool.js';
import { createTurns } from '../../../src/ingest/turns.js';
import type { Source } from '../../../src/model.js';
import { testContext } from '../../helpers.js';

const rss = (items: string) =>
  Buffer.from(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://wire.example/</link><description>d</description>${items}</channel></rss>`);
const item = (n: number) => `<item><guid>g${n}</guid><title>Story ${n}</title><link>https://wire.example/${n}</link><description>Text ${n}.</description></item>`;

test('a worker prepares a feed as the main thread does, and a broken feed fails alone', async () => {
  const ctx = testContext();
  try {
    const source: Source = { id: 1, slug: 'wire', name: 'Wire', url: 'https://wire.example/feed', categories: [], everyMinutes: 15, errorCount: 0, origin: 'config' };
    const pool = new PreparePool(ctx.cfg, 1);
    const now = new Date('2026-11-20T12:00:00Z');
    const [good, broken, after] = await Promise.allSettled([
      pool.prepare(source, rss(item(1) + item(2)), 'application/rss+xml', now),
      pool.prepare(source, Buffer.from('<rss><channel><item>'), 'application/rss+xml', now),
      pool.prepare(source, rss(item(3)), 'application/rss+xml', now),
    ]);
    assert.equal(good.status, 'fulfilled');
    assert.deepEqual(good.status === 'fulfilled' && good.value, await prepareDocument(ctx.cfg, source, rss(item(1) + item(2)), 'application/rss+xml', now));
    assert.equal(broken.status, 'rejected');
    assert.match(broken.status === 'rejected' ? (broken.reason as Error).message : '', /^parse: not a readable feed/);
    assert.equal(after.status === 'fulfilled' && after.value.drafts[0]?.title, 'Story 3');
  } finally {
    ctx.close();
  }
});

test('turns end in the order they were taken, whatever order their holders finish in', async () => {
  const turns = createTurns();
  const order: string[] = [];
  const first = turns.take();
  const second = turns.take();
  const done = second.wait.then(() => order.push('second'));
  await new Promise((resolve) => setTimeout(resolve, 5));
  order.push('first');
  first.end();
  await done;
  second.end();
  assert.deepEqual(order, ['first', 'second']);
});
