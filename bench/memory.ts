// Memory: the app's process over a large archive while it renders every
// feed of the demo taxonomy in every format (filling its render cache) and
// then serves them all under load. The peak is the kernel's own high-water
// mark of the process (VmHWM), so no short spike is missed between samples.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfigPath } from '../src/config/config.js';
import { type Archive, benchConfig } from './archive.js';
import { memory, serveFlags, startChild } from './child.js';
import { QUERY } from './growth.js';
import { get } from './http.js';
import { type LoadResult, measure } from './load.js';

export interface MemoryResult {
  articles: number;
  feeds: number;
  startRss: number;
  peakRss: number;
  load: LoadResult;
}

export async function benchMemory(archive: Archive, seconds: number, connections: number): Promise<MemoryResult> {
  const cfg = benchConfig(archive.path);
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-bench-memory-'));
  // The cached archive itself, not a copy (6 GB at 1,000,000 articles): the app's start-up writes
  // only mirror the demo configuration's categories and sources, which the archive already holds.
  const child = await startChild('server.js', ['app'], {
    env: { WIREFEED_CONFIG: defaultConfigPath, WIREFEED_DB: archive.path },
    execArgv: serveFlags,
    logFile: join(dir, 'app.log'),
  });
  try {
    const startRss = memory(child.pid).rss;
    const base = `http://127.0.0.1:${child.port}`;
    const feeds = ['/feeds/all', ...cfg.categories.map((c) => `/feeds/categories/${c.slug}`)].flatMap((path) =>
      ['rss', 'atom', 'json'].map((format) => `${path}.${format}`),
    );
    const search = `/feeds/search.rss?q=${QUERY}`;
    if ((await get(base + search)).status !== 404) feeds.push(search);
    for (const path of feeds) await get(base + path);
    const encodings = [{}, { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'gzip, deflate, br' }];
    const requests = feeds.flatMap((path) => encodings.map((headers) => ({ method: 'GET' as const, path, headers })));
    const [result] = (await measure([{ url: base, pid: child.pid }], { requests, seconds, slices: 1, connections })) as [LoadResult];
    return { articles: archive.articles, feeds: feeds.length, startRss, peakRss: memory(child.pid).peak, load: result };
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
