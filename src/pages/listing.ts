// A page of one feed's stories: the category, source and tag pages, and the
// readable preview a browser gets when it opens a feed's URL. Both show the
// stories and the feed's addresses to copy; the preview says first what a
// feed is and how to subscribe, with the format that was opened on top.
import type { Article } from '../model.js';
import type { FeedFormat } from '../publish/document.js';
import { isHttpUrl } from '../publish/renderable.js';
import { esc, formatNames, layout, type PageFeed, type Shell } from './html.js';
import { olderLink, storyList } from './stories.js';
import { subscribeBox } from './subscribe.js';

export interface ListingPage {
  heading: string;
  /** What kind of list it is ("Category", "Source", "Tag", "Search"), shown above the heading. */
  kind: string;
  description: string;
  feed: PageFeed;
  /** Also announced for autodiscovery (the site's feed of everything). */
  otherFeeds: PageFeed[];
  stories: Article[];
  /** This page's path, to which the cursor of older stories is added; with `query` (search's q) kept. */
  path: string;
  query?: Record<string, string>;
  olderCursor?: string;
  /** Absent on an ordinary page; the format opened on a feed preview. */
  preview?: { format: FeedFormat; htmlPage?: string };
  /** A source's own web site. */
  siteUrl?: string;
}

export function listingPage(shell: Shell, page: ListingPage): string {
  const preview = page.preview;
  const intro = preview
    ? `<div class="preview-note" role="note">
<p><strong>This is a web feed</strong> (${formatNames[preview.format]}). Feed readers check it for new stories so you don't have to. To subscribe, copy the address below into your feed reader, or into an app that reads feeds.</p>
${preview.htmlPage ? `<p>Prefer the web page? <a href="${esc(preview.htmlPage)}">${esc(page.heading)} on ${esc(shell.siteTitle)}</a>.</p>` : ''}
</div>`
    : '';
  const box = subscribeBox(page.feed, { id: 'feed', heading: preview ? 'Subscribe' : `Subscribe to ${page.heading}`, first: preview?.format });
  const main = `<p class="kind">${esc(preview ? 'Feed preview' : page.kind)}</p>
<h1>${esc(page.heading)}</h1>
<p class="lead">${esc(page.description)}</p>
${page.siteUrl && isHttpUrl(page.siteUrl) ? `<p>Its own site: <a href="${esc(page.siteUrl)}">${esc(page.siteUrl)}</a></p>` : ''}
${preview ? `${intro}\n${box}` : ''}
<section aria-labelledby="stories-heading">
<h2 id="stories-heading">${preview ? 'Latest items in this feed' : 'Latest stories'}</h2>
${storyList(shell.root, page.stories, 3)}
${olderLink(page.path, page.olderCursor, page.query)}
</section>
${preview ? '' : box}`;
  const title = `${preview ? 'Feed preview: ' : ''}${page.heading} · ${shell.siteTitle}`;
  return layout(shell, { title, description: page.description, feeds: [page.feed, ...page.otherFeeds], main });
}
