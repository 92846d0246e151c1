// Serves every source of the set as its feed on 127.0.0.1 (port 0), at
// /{slug}.{rss,atom,json}. A feed shows only the items published up to a
// cutoff: `?until=RFC3339` on the request, else the server's own cutoff
// (setCutoff), else everything; so that a feed can grow between polls.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentTypes, renderFeed } from './feeds.js';
import type { SetArticle, StorySet } from './set.js';

export interface SetFeedServer {
  /** The feed URL of each source, by slug. */
  feedUrls: Map<string, string>;
  setCutoff(until: number | undefined): void;
  close(): Promise<void>;
}

export async function serveSetFeeds(set: StorySet): Promise<SetFeedServer> {
  const bySource = new Map<string, SetArticle[]>(set.sources.map((s) => [s.slug, []]));
  for (const a of set.articles) bySource.get(a.source)?.push(a);
  let cutoff: number | undefined;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const source = set.sources.find((s) => url.pathname === `/${s.slug}.${s.format}`);
    const untilParam = url.searchParams.get('until');
    const until = untilParam === null ? cutoff : Date.parse(untilParam);
    if (!source || (until !== undefined && Number.isNaN(until))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const shown = (bySource.get(source.slug) ?? []).filter((a) => until === undefined || Date.parse(a.published) <= until);
    res.writeHead(200, { 'content-type': contentTypes[source.format] }).end(renderFeed(source, shown, `http://${req.headers.host}${url.pathname}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    feedUrls: new Map(set.sources.map((s) => [s.slug, `http://127.0.0.1:${port}/${s.slug}.${s.format}`])),
    setCutoff: (until) => {
      cutoff = until;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
