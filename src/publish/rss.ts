// RSS 2.0, written by the `feed` package with our item extensions:
// dc:creator, Media RSS image with caption and credit, atom:link
// rel="related", and <source>. See feed-gaps.ts for what `feed` lacks.
import { Feed, type Item } from 'feed';
import type { Article } from '../model.js';
import { type FeedDocument, itemId } from './document.js';
import { declareNamespaces, htmlText, imageType, namespaces, xmlAttr } from './feed-gaps.js';

export function renderRss(doc: FeedDocument): string {
  const feed = new Feed({
    id: doc.id,
    title: doc.title,
    description: doc.description,
    link: doc.homeUrl,
    language: doc.language,
    updated: doc.updated,
    generator: 'wirefeed',
    copyright: doc.rights,
    feed: doc.urls.rss,
    feedLinks: doc.urls,
  });
  for (const article of doc.items) feed.addItem(rssItem(doc, article));
  return declareNamespaces(feed.rss2(), 'rss', namespaces);
}

function rssItem(doc: FeedDocument, a: Article): Item {
  const extensions: Item['extensions'] = [];
  if (a.author) extensions.push({ name: 'dc:creator', objects: { _text: a.author } });
  if (a.image) {
    const media: Record<string, unknown> = {
      _attributes: { url: xmlAttr(a.image.url), medium: 'image', type: imageType(a.image.url, a.image.type) },
    };
    if (a.image.caption) media['media:description'] = { _attributes: { type: 'plain' }, _text: a.image.caption };
    if (a.image.credit) media['media:credit'] = { _text: a.image.credit };
    extensions.push({ name: 'media:content', objects: media });
  }
  if (a.related.length > 0) {
    const links = a.related.map((r) => ({ _attributes: { rel: 'related', href: xmlAttr(r.url), title: xmlAttr(r.title) } }));
    // xml-js writes an array as repeated elements; `feed` types objects as a record only.
    extensions.push({ name: 'atom:link', objects: links as unknown as Record<string, unknown> });
  }
  // RSS 2.0 <source url> names the channel the item came from.
  const sourceFeed = a.source.feedUrl ?? `${doc.baseUrl}/feeds/sources/${a.source.slug}.rss`;
  extensions.push({ name: 'source', objects: { _attributes: { url: xmlAttr(sourceFeed) }, _text: a.source.name } });
  return {
    title: a.title,
    id: itemId(doc, a),
    link: a.url,
    date: a.updatedAt,
    published: a.publishedAt,
    description: htmlText(a.summary),
    content: doc.fullText && a.contentHtml ? a.contentHtml : undefined,
    copyright: a.rights,
    category: a.categories.map((c) => ({ name: c.label, domain: doc.categoryScheme })),
    enclosure: a.image ? { url: a.image.url, type: imageType(a.image.url, a.image.type), length: 0 } : undefined,
    extensions,
  };
}
