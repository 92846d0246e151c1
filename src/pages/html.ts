// What every page is made of: the escaping of interpolated text, dates in
// <time>, and the document around a page's main content (head with the
// feeds' autodiscovery links, the stylesheet, the site's navigation).
// Pages are plain template literals: every value that is text goes through
// `esc`; the only markup put in unescaped is an article's body, which was
// sanitized at ingest (ingest/clean/sanitize.ts).
import { contentTypes, type FeedFormat, feedFormats } from '../publish/document.js';

export const formatNames: Record<FeedFormat, string> = { rss: 'RSS 2.0', atom: 'Atom 1.0', json: 'JSON Feed 1.1' };

/** Text (or an attribute value in double quotes) as HTML. */
export function esc(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "5 Dec 2026, 14:05 UTC": the same on every server, whatever its locale or zone. */
export function humanDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

export function time(date: Date): string {
  return `<time datetime="${date.toISOString()}">${humanDate(date)}</time>`;
}

/** A feed as pages name it: a title and its URL in each format (absolute, for readers to copy). */
export interface PageFeed {
  title: string;
  urls: Record<FeedFormat, string>;
}

/** The URLs of a feed at `path` (e.g. /feeds/all), with its query (search's q). */
export function feedUrls(base: string, path: string, query = ''): Record<FeedFormat, string> {
  return { rss: `${base}${path}.rss${query}`, atom: `${base}${path}.atom${query}`, json: `${base}${path}.json${query}` };
}

export interface Shell {
  siteTitle: string;
  /** The path the site is served under ("" at the root): in-site links are root-relative. */
  root: string;
  /** The stylesheet's URL, versioned by its content so that it can be cached for a year. */
  stylesheet: string;
}

export interface Document {
  title: string;
  description?: string;
  /** Announced in <head> for feed readers' autodiscovery, the page's own first. */
  feeds: PageFeed[];
  main: string;
  /** Kept out of search engines' indexes. */
  noindex?: boolean;
}

export function layout(shell: Shell, doc: Document): string {
  const discovery = doc.feeds
    .flatMap((feed) =>
      feedFormats.map(
        (f) => `<link rel="alternate" type="${contentTypes[f].split(';')[0]}" title="${esc(`${feed.title} (${formatNames[f]})`)}" href="${esc(feed.urls[f])}">`,
      ),
    )
    .join('\n  ');
  const r = shell.root;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(doc.title)}</title>${doc.description ? `\n  <meta name="description" content="${esc(doc.description)}">` : ''}${
    doc.noindex ? '\n  <meta name="robots" content="noindex">' : ''
  }
  <link rel="stylesheet" href="${esc(shell.stylesheet)}">
  <link rel="icon" href="data:,">
  ${discovery}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="${esc(r)}/">${esc(shell.siteTitle)}</a>
  <nav aria-label="Site">
    <a href="${esc(r)}/search">Search</a>
    <a href="${esc(r)}/#feeds">Feeds</a>
    <a href="${esc(r)}/opml">OPML</a>
    <a href="${esc(r)}/status">Source status</a>
  </nav>
</header>
<main id="main">
${doc.main}
</main>
<footer class="site"><p>${esc(shell.siteTitle)}. Every page here is also a feed: see <a href="${esc(r)}/#feeds">the feeds</a>.</p></footer>
</body>
</html>
`;
}
