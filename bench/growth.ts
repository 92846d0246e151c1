// Archive growth: how long a cold 50-item page takes to build as the archive
// grows. "Cold" means the render cache is empty: each timed request goes to
// a fresh createApp(ctx) (a new app has a new, empty cache) over the same
// open database, through the same route, query, render and compression as a
// real request. SQLite's page cache, the OS file cache and V8's compiled
// code are warm: WARMUP untimed cold requests per feed come first (with
// compression done only when asked for, a render is mostly JavaScript, and
// code not yet optimized made the first archive measured look slower).
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openContext } from '../src/context.js';
import { createApp } from '../src/http/app.js';
import { createLog } from '../src/log.js';
import type { Db } from '../src/store/db.js';
import { type Archive, benchConfig } from './archive.js';
import { countItems, get } from './http.js';

export const CATEGORY = 'climate';
export const QUERY = 'inquiry';
const WARMUP = 20;

export const growthFeeds = [
  { name: 'all', path: '/feeds/all.rss' },
  { name: `category (${CATEGORY})`, path: `/feeds/categories/${CATEGORY}.rss` },
  { name: `search (q=${QUERY})`, path: `/feeds/search.rss?q=${QUERY}` },
] as const;

export interface Timing {
  feed: string;
  /** Undefined when the route does not exist (404). */
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  items?: number;
  note?: string;
}

export interface GrowthRow {
  articles: number;
  /** How many articles match the search query, where the search index exists. */
  searchMatches?: number;
  timings: Timing[];
}

export async function measureGrowth(archive: Archive, repeats: number): Promise<GrowthRow> {
  const ctx = openContext(benchConfig(archive.path), createLog('silent'));
  let handler: RequestListener = createApp(ctx);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const timings: Timing[] = [];
    for (const feed of growthFeeds) {
      handler = createApp(ctx);
      const first = await get(base + feed.path);
      if (first.status === 404) {
        timings.push({ feed: feed.name, note: 'n/a (route not present)' });
        continue;
      }
      if (first.status !== 200) throw new Error(`bench: ${feed.path} answered ${first.status}: ${first.body.toString().slice(0, 200)}`);
      for (let i = 0; i < WARMUP; i++) {
        handler = createApp(ctx);
        await get(base + feed.path);
      }
      const ms: number[] = [];
      for (let i = 0; i < repeats; i++) {
        handler = createApp(ctx);
        ms.push((await get(base + feed.path)).ms);
      }
      ms.sort((a, b) => a - b);
      timings.push({
        feed: feed.name,
        medianMs: ms[Math.floor(ms.length / 2)],
        minMs: ms[0],
        maxMs: ms[ms.length - 1],
        items: countItems(first.body.toString('utf8')),
      });
    }
    return { articles: archive.articles, searchMatches: searchMatches(ctx.db), timings };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    ctx.db.close();
  }
}

/** Matches of the query in the FTS5 index of 003_search.sql, for the report; undefined without one. */
function searchMatches(db: Db): number | undefined {
  try {
    return db.prepare('SELECT count(*) FROM article_search WHERE article_search MATCH ?').pluck().get(`"${QUERY}"`) as number;
  } catch {
    return undefined;
  }
}
