// Atom 1.0 (RFC 4287), written by the `feed` package; the elements it cannot
// put in an entry (related links, enclosure with our type, Media RSS image,
// <source>) are added through feed-gaps.ts.
import { Feed, type Item } from 'feed';
import type { Article } from '../model.js';
import { type FeedDocument, itemId } from './document.js';
import { appendToAtomEntries, declareNamespaces, htmlText, imageType, xmlAttr } from './feed-gaps.js';

type XmlNode = Record<string, unknown>;

export function renderAtom(doc: FeedDocument): string {
  const feed = new Feed({
    id: doc.id,
    title: doc.title,
    description: doc.description,
    link: doc.homeUrl,
    language: doc.language,
    updated: doc.updated,
    generator: 'wirefeed',
    copyright: doc.rights,
    // RFC 4287 4.1.1: an entry without an author takes the feed's.
    author: { name: doc.author },
    feed: doc.urls.atom,
    feedLinks: doc.urls,
  });
  for (const article of doc.items) feed.addItem(atomItem(doc, article));
  const xml = appendToAtomEntries(
    feed.atom1(),
    doc.items.map((a) => atomExtras(doc, a)),
  );
  return declareNamespaces(xml, 'feed', { media: 'http://search.yahoo.com/mrss/' });
}

function atomItem(doc: FeedDocument, a: Article): Item {
  return {
    // `feed` writes titles, summaries and content as type="html".
    title: htmlText(a.title),
    id: itemId(doc, a),
    link: a.url,
    date: a.updatedAt,
    published: a.publishedAt,
    description: htmlText(a.summary),
    content: doc.fullText && a.contentHtml ? a.contentHtml : undefined,
    author: a.author ? [{ name: a.author }] : undefined,
    copyright: a.rights,
    // RFC 4287 4.2.2: term is required; the label is what readers show.
    category: a.categories.map((c) => ({ term: c.slug, name: c.label, scheme: doc.categoryScheme })),
  };
}

function atomExtras(doc: FeedDocument, a: Article): XmlNode[] {
  const nodes: XmlNode[] = a.related.map((r) => ({
    link: { _attributes: { rel: 'related', href: xmlAttr(r.url), title: xmlAttr(r.title) } },
  }));
  if (a.image) {
    const type = imageType(a.image.url, a.image.type);
    nodes.push({ link: { _attributes: { rel: 'enclosure', href: xmlAttr(a.image.url), type, length: 0 } } });
    const media: XmlNode = { _attributes: { url: xmlAttr(a.image.url), medium: 'image', type } };
    if (a.image.caption) media['media:description'] = { _attributes: { type: 'plain' }, _text: a.image.caption };
    if (a.image.credit) media['media:credit'] = { _text: a.image.credit };
    nodes.push({ 'media:content': media });
  }
  const source: XmlNode = { id: { _text: sourceId(doc, a) }, title: { _text: a.source.name } };
  const links: XmlNode[] = [];
  if (a.source.siteUrl) links.push({ _attributes: { rel: 'alternate', href: xmlAttr(a.source.siteUrl) } });
  if (a.source.feedUrl) links.push({ _attributes: { rel: 'self', href: xmlAttr(a.source.feedUrl) } });
  if (links.length) source.link = links;
  nodes.push({ source });
  return nodes;
}

function sourceId(doc: FeedDocument, a: Article): string {
  return a.source.feedUrl ?? `${doc.baseUrl}/feeds/sources/${a.source.slug}`;
}
