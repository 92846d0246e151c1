// One source's labelled articles as a real feed document in the source's
// format, written by hand so that every element is the one a publisher of
// that format sends: RSS 2.0 (with content:encoded and dc:creator), Atom 1.0
// (RFC 4287) and JSON Feed 1.1. Text is escaped for XML once; HTML bodies are
// escaped as HTML first and then as XML, never wrapped in CDATA (a "]]>" in
// the text would end it).
import type { FeedFormat, SetArticle, SetSource } from './set.js';

export const contentTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' })[c]};`);
}

/** The plain-text body as HTML paragraphs: blank lines separate them. */
export function bodyHtml(body: string): string {
  return body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeXml(p)}</p>`)
    .join('\n');
}

const siteOf = (source: SetSource) => `https://${source.slug}.example/`;

export function renderFeed(source: SetSource, articles: readonly SetArticle[], selfUrl: string): string {
  // Newest first, as publishers list them.
  const items = [...articles].sort((a, b) => Date.parse(b.published) - Date.parse(a.published) || a.id.localeCompare(b.id));
  if (source.format === 'rss') return rss(source, items, selfUrl);
  if (source.format === 'atom') return atom(source, items, selfUrl);
  return jsonFeed(source, items, selfUrl);
}

function rss(source: SetSource, items: SetArticle[], selfUrl: string): string {
  const x = escapeXml;
  const entries = items.map(
    (a) => `<item>
<title>${x(a.title)}</title>
<link>${x(a.url)}</link>
<guid isPermaLink="false">${x(`${source.slug}:${a.id}`)}</guid>
<description>${x(a.summary)}</description>
<content:encoded>${x(bodyHtml(a.body))}</content:encoded>
<pubDate>${new Date(a.published).toUTCString()}</pubDate>
${a.categories.map((c) => `<category>${x(c)}</category>`).join('')}
<dc:creator>${x(a.author)}</dc:creator>
</item>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${x(source.name)}</title>
<link>${siteOf(source)}</link>
<description>${x(source.name)}</description>
<atom:link rel="self" href="${x(selfUrl)}" type="application/rss+xml"/>
${entries.join('\n')}
</channel>
</rss>
`;
}

function atom(source: SetSource, items: SetArticle[], selfUrl: string): string {
  const x = escapeXml;
  const updated = items[0]?.published ?? '2026-01-01T00:00:00Z';
  const entries = items.map(
    (a) => `<entry>
<id>${x(`tag:${source.slug}.example,2026:${a.id}`)}</id>
<link rel="alternate" type="text/html" href="${x(a.url)}"/>
<title type="text">${x(a.title)}</title>
<summary type="text">${x(a.summary)}</summary>
<content type="html">${x(bodyHtml(a.body))}</content>
<published>${new Date(a.published).toISOString()}</published>
<updated>${new Date(a.published).toISOString()}</updated>
<author><name>${x(a.author)}</name></author>
${a.categories.map((c) => `<category term="${x(c)}"/>`).join('')}
</entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${x(siteOf(source))}</id>
<title>${x(source.name)}</title>
<updated>${new Date(updated).toISOString()}</updated>
<link rel="alternate" href="${siteOf(source)}"/>
<link rel="self" href="${x(selfUrl)}"/>
${entries.join('\n')}
</feed>
`;
}

function jsonFeed(source: SetSource, items: SetArticle[], selfUrl: string): string {
  return JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: source.name,
      home_page_url: siteOf(source),
      feed_url: selfUrl,
      items: items.map((a) => ({
        id: `${source.slug}:${a.id}`,
        url: a.url,
        title: a.title,
        summary: a.summary,
        content_html: bodyHtml(a.body),
        date_published: new Date(a.published).toISOString(),
        authors: [{ name: a.author }],
        tags: a.categories,
      })),
    },
    null,
    2,
  );
}
