// Archive growth: how long a cold 50-item page takes to build as the archive
// grows. "Cold" means the render cache is empty: each timed request goes to
// a fresh createApp(ctx) (a new app has a new, empty cache) over the same
// open database, through the same route, query, render and compression as a
// real request. SQLite's page cache, the OS file cache and V8's compiled
// code are warm: WARMUP untimed cold requests per feed come first (with
// compression done only when asked for, a render is mostly JavaScript, and
// code not yet optimized made the first archive measured look slower). The
// archives are then measured in turns (measureGrowth says why).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openContext } from '../src/context.js';
import { createApp } from '../src/http/app.js';
import { createLog } from '../src/observe/log.js';
import type { Db } from '../src/store/db/db.js';
import { type Archive, benchConfig } from './archive.js';
import { countItems, get } from './http.js';

export const CATEGORY = 'climate';
export const QUERY = 'inquiry';
const WARMUP = 20;

/** Timed cold requests per feed and archive. */
export const growthRepeats = (quick: boolean) => (quick ? 7 : 15);

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

/** One archive open behind a server of its own, whose handler each cold request replaces. */
interface Served {
  archive: Archive;
  ctx: ReturnType<typeof openContext>;
  server: Server;
  /** A fresh app per request: an empty render cache. */
  cold(path: string): ReturnType<typeof get>;
}

/** One feed over one archive: its item count and timings, or why it has none. */
interface FeedTimes {
  feed: string;
  path: string;
  items?: number;
  note?: string;
  ms: number[];
}

/**
 * Cold renders of every feed over every archive. The archives take turns,
 * one request each per round (after every feed's warm-up on each), so that
 * a slow moment of this shared machine falls on all sizes alike rather than
 * on whichever archive was being measured then; medians of `repeats` rounds.
 */
export async function measureGrowth(archives: readonly Archive[], repeats: number): Promise<GrowthRow[]> {
  const served: Served[] = [];
  try {
    for (const archive of archives) served.push(await serve(archive));
    const measured = new Map<Served, FeedTimes[]>();
    for (const s of served) {
      const feeds = growthFeeds.map((feed): FeedTimes => ({ feed: feed.name, path: feed.path, ms: [] }));
      for (const f of feeds) {
        const first = await s.cold(f.path);
        if (first.status === 404) {
          f.note = 'n/a (route not present)';
          continue;
        }
        if (first.status !== 200) throw new Error(`bench: ${f.path} answered ${first.status}: ${first.body.toString().slice(0, 200)}`);
        f.items = countItems(first.body.toString('utf8'));
        for (let i = 0; i < WARMUP; i++) await s.cold(f.path);
      }
      measured.set(s, feeds);
    }
    for (let round = 0; round < repeats; round++) {
      for (const [s, feeds] of measured) for (const f of feeds) if (!f.note) f.ms.push((await s.cold(f.path)).ms);
    }
    return served.map((s) => ({
      articles: s.archive.articles,
      searchMatches: searchMatches(s.ctx.db),
      timings: measured.get(s)!.map(({ feed, items, note, ms }): Timing => {
        if (note) return { feed, note };
        ms.sort((a, b) => a - b);
        return { feed, medianMs: ms[Math.floor(ms.length / 2)], minMs: ms[0], maxMs: ms[ms.length - 1], items };
      }),
    }));
  } finally {
    for (const s of served) {
      s.server.closeAllConnections();
      await new Promise((resolve) => s.server.close(resolve));
      s.ctx.db.close();
    }
  }
}

async function serve(archive: Archive): Promise<Served> {
  const ctx = openContext(benchConfig(archive.path), createLog('silent'));
  let handler: RequestListener = createApp(ctx);
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    archive,
    ctx,
    server,
    cold(path) {
      handler = createApp(ctx);
      return get(base + path);
    },
  };
}

/** Matches of the query in the FTS5 index of 003_search.sql, for the report; undefined without one. */
function searchMatches(db: Db): number | undefined {
  try {
    return db.prepare('SELECT count(*) FROM article_search WHERE article_search MATCH ?').pluck().get(`"${QUERY}"`) as number;
  } catch {
    return undefined;
  }
}
