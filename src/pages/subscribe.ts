// The visible side of a page's feed: its URL in each format, in a read-only
// field to select and copy (no script needed), with a link to open it.
import type { FeedFormat } from '../publish/document.js';
import { esc, formatNames, type PageFeed } from './html.js';

/** `id` keeps the fields' ids unique when a page shows several boxes; `first` puts the format the reader opened first. */
export function subscribeBox(feed: PageFeed, options: { id: string; heading?: string; first?: FeedFormat } = { id: 'feed' }): string {
  const order: FeedFormat[] = ['rss', 'atom', 'json'];
  if (options.first) order.sort((a, b) => Number(b === options.first) - Number(a === options.first));
  const rows = order
    .map((f) => {
      const id = `${options.id}-${f}`;
      return `  <li><label for="${esc(id)}">${formatNames[f]}</label>
    <input id="${esc(id)}" type="text" readonly value="${esc(feed.urls[f])}" spellcheck="false">
    <a class="button" href="${esc(feed.urls[f])}" type="${f === 'json' ? 'application/feed+json' : `application/${f}+xml`}">Open ${esc(formatNames[f].split(' ')[0] ?? f)}</a></li>`;
    })
    .join('\n');
  return `<section class="subscribe" aria-labelledby="${esc(options.id)}-heading">
<h2 id="${esc(options.id)}-heading">${esc(options.heading ?? `Subscribe: ${feed.title}`)}</h2>
<p>Copy a feed address into your feed reader (any of the three formats carries the same stories).</p>
<ul>
${rows}
</ul>
</section>`;
}
