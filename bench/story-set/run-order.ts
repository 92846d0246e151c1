// One order of the set, end to end through the public surface: a fresh
// database, the set's feeds served locally, the real ingest run round by
// round, then the real app listening on port 0 and read over HTTP. Cleans
// up its folder, servers and database whatever happens.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { type Context, openContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { listSources } from '../../src/store/sources.js';
import { setConfigYaml } from './config.js';
import { serveSetFeeds } from './feed-server.js';
import type { Order } from './orders.js';
import { type Observation, observe } from './read.js';
import type { StorySet } from './set.js';

export async function runOrder(set: StorySet, order: Order): Promise<Observation> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-story-set-'));
  const feeds = await serveSetFeeds(set);
  let ctx: Context | undefined;
  try {
    writeFileSync(join(dir, 'config.yaml'), setConfigYaml(set, feeds.feedUrls));
    const cfg = loadConfig({ WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'set.db') });
    ctx = openContext(cfg, createLog('silent'));
    for (const round of order.rounds) {
      feeds.setCutoff(round.until);
      await ingestRound(ctx, round.sources);
    }
    return await observeApp(ctx, set);
  } finally {
    ctx?.db.close();
    await feeds.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The real ingest over these sources, in this order; a failing source is the harness's failure, not a score. */
async function ingestRound(ctx: Context, slugs: string[]): Promise<void> {
  const known = listSources(ctx.db);
  const sources = slugs.map((slug) => known.find((s) => s.slug === slug)).filter((s) => s !== undefined);
  const results = await runIngest(ctx, sources);
  const failed = results.filter((r) => r.status !== 'ok' && r.status !== 'not-modified');
  if (failed.length > 0) throw new Error(`story-set: ingest failed: ${failed.map((r) => `${r.source}: ${r.error ?? r.status}`).join('; ')}`);
}

async function observeApp(ctx: Context, set: StorySet): Promise<Observation> {
  const server = createServer(createApp(ctx));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await observe(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, set);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
