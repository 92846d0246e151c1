// Every feed with stories in it, as the front page lists them: its page,
// how many stories it holds and when the newest was published, and its
// three formats. A category (or source, or tag) with no stories is not
// offered: an empty feed dated 1970 helps no one.
import type { Category } from '../model.js';
import type { FeedStat, FeedStats } from '../store/feed-stats.js';
import { feedFormats } from '../publish/document.js';
import { esc, feedUrls, formatNames, time } from './html.js';

export interface DirectoryLists {
  categories: Category[];
  sources: { slug: string; name: string }[];
  tags: Category[];
}

interface Row {
  name: string;
  /** The HTML page of the feed. */
  page: string;
  /** The feed's path without extension. */
  feed: string;
  stat: FeedStat;
}

export function feedDirectory(base: string, root: string, lists: DirectoryLists, stats: FeedStats): string {
  const rows = <T extends { slug: string }>(items: T[], name: (item: T) => string, kind: string, byKey: Map<string, FeedStat>): Row[] =>
    items.flatMap((item) => {
      const stat = byKey.get(item.slug);
      const slug = encodeURIComponent(item.slug);
      return stat ? [{ name: name(item), page: `${root}/${kind}/${slug}`, feed: `/feeds/${kind}/${slug}`, stat }] : [];
    });
  const groups: [string, Row[]][] = [
    ['Everything', stats.all ? [{ name: 'All stories', page: `${root}/`, feed: '/feeds/all', stat: stats.all }] : []],
    ['Categories', rows(lists.categories, (c) => c.label, 'categories', stats.categories)],
    ['Sources', rows(lists.sources, (s) => s.name, 'sources', stats.sources)],
    ['Tags', rows(lists.tags, (t) => t.label, 'tags', stats.tags)],
  ];
  const tables = groups
    .filter(([, list]) => list.length > 0)
    .map(([heading, list]) => table(base, heading, list))
    .join('\n');
  return `<section class="directory" id="feeds" aria-labelledby="feeds-heading">
<h2 id="feeds-heading">Feeds</h2>
<p>Every list of stories here is a feed, in RSS 2.0, Atom 1.0 and JSON Feed 1.1. Open one in your browser for a preview, or copy its address into your feed reader. Add <code>?limit=N</code> (up to 200) for more items. <a href="${esc(root)}/opml">All feeds as OPML</a>, to import into a reader.</p>
${tables || '<p class="empty">No feed has stories yet.</p>'}
</section>`;
}

function table(base: string, heading: string, rows: Row[]): string {
  const body = rows
    .map((r) => {
      const urls = feedUrls(base, r.feed);
      const formats = feedFormats.map((f) => `<a href="${esc(urls[f])}">${formatNames[f].split(' ')[0]}</a>`).join(' ');
      return `<tr><th scope="row"><a href="${esc(r.page)}">${esc(r.name)}</a></th><td>${r.stat.articles}</td><td>${time(r.stat.newest)}</td><td class="formats">${formats}</td></tr>`;
    })
    .join('\n');
  return `<table>
<caption>${esc(heading)}</caption>
<thead><tr><th scope="col">Feed</th><th scope="col">Stories</th><th scope="col">Latest</th><th scope="col">Formats</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}
