// RSS 2.0, written by the `feed` package with our item extensions:
// dc:creator, Media RSS image with caption and credit, atom:link
// rel="related", and <source>; for partners, kill and correction notices in
// the wirefeed namespace. See feed-gaps.ts for what `feed` lacks.
import type { Enclosure, Item } from 'feed';
import type { Article } from '../model.js';
import { embargoMark, type FeedDocument, hasHtmlBody, itemBodyHtml, itemId, killText, killTitle, type Tombstone } from './document.js';
import {
  addPageLinks,
  cdata,
  createFeed,
  declareNamespaces,
  htmlText,
  imageType,
  mediaContent,
  namespaces,
  WIREFEED_NAMESPACE,
  xmlAttr,
  xmlText,
} from './feed-gaps.js';
import { correctedElement } from './partner/corrections.js';

export function renderRss(doc: FeedDocument): string {
  const feed = createFeed(doc, doc.urls.rss);
  const kills = doc.killNotices ? doc.tombstones : [];
  // Kill notices first: they are the newest news about the feed's items.
  for (const tombstone of kills) feed.addItem(killItem(doc, tombstone));
  for (const article of doc.items) feed.addItem(rssItem(doc, article));
  const xml = addPageLinks(feed.rss2(), 'rss', doc.pages.rss, 'application/rss+xml');
  const ours = kills.length > 0 || doc.items.some((a) => a.embargoUntil || doc.corrections.has(a.id));
  return declareNamespaces(xml, 'rss', ours ? { ...namespaces, wirefeed: WIREFEED_NAMESPACE } : namespaces);
}

/**
 * A partner's notice that an item it may hold was withdrawn: the same
 * <guid> the item had (so that a system can match it), a neutral title, the
 * withdrawal as <pubDate>, and <wirefeed:killed at reason> for machines.
 * The <link> is the article's page on our site, which answers 410 Gone
 * (feedparser and others want a link on every item).
 */
function killItem(doc: FeedDocument, t: Tombstone): Item {
  const killed = { _attributes: { at: t.withdrawnAt.toISOString(), ...(t.reason ? { reason: xmlAttr(t.reason) } : {}) } };
  return {
    title: cdata(killTitle(t)),
    id: itemId(doc, t),
    link: itemId(doc, t),
    date: t.withdrawnAt,
    description: cdata(htmlText(killText(t))),
    extensions: [{ name: 'wirefeed:killed', objects: killed }],
  };
}

function rssItem(doc: FeedDocument, a: Article): Item {
  const extensions: Item['extensions'] = [];
  if (a.author) extensions.push({ name: 'dc:creator', objects: { _text: xmlText(a.author) } });
  // RSS 2.0 has no modified date: Atom's, as feedparser and others read it in RSS.
  if (a.updatedAt.getTime() !== a.publishedAt.getTime()) extensions.push({ name: 'atom:updated', objects: { _text: a.updatedAt.toISOString() } });
  // A partner's notice of a recent correction (partner/corrections.ts).
  const correction = doc.corrections.get(a.id);
  if (correction) extensions.push({ name: 'wirefeed:corrected', objects: correctedElement(correction) });
  if (a.image) extensions.push({ name: 'media:content', objects: mediaContent(a.image) });
  // Only a partner permitted to see it before its time gets it: held until then.
  if (a.embargoUntil) extensions.push({ name: 'wirefeed:embargo', objects: embargoMark(a.embargoUntil) });
  if (a.related.length > 0) {
    const links = a.related.map((r) => ({ _attributes: { rel: 'related', href: xmlAttr(r.url), title: xmlAttr(r.title) } }));
    // xml-js writes an array as repeated elements; `feed` types objects as a record only.
    extensions.push({ name: 'atom:link', objects: links as unknown as Record<string, unknown> });
  }
  // RSS 2.0 <source url> names the channel the item came from: our feed of
  // the source, never the upstream one, whose URL may carry a licensed wire's key.
  const sourceFeed = `${doc.baseUrl}/feeds/sources/${a.source.slug}.rss`;
  extensions.push({ name: 'source', objects: { _attributes: { url: xmlAttr(sourceFeed) }, _text: xmlText(a.source.name) } });
  // The body (full text, or the summary with the image and lists around it);
  // always there with an image, and before the caption, so that the caption is not read as the body (feed-gaps.ts).
  const withBody = hasHtmlBody(doc, a) || a.image !== undefined;
  return {
    title: cdata(a.title),
    id: itemId(doc, a),
    link: a.url,
    // `feed` writes `date` as <pubDate>: the publication, the change goes in atom:updated.
    date: a.publishedAt,
    published: a.publishedAt,
    // <description> (HTML, so plain text escaped) comes before <content:encoded>, as the W3C validator asks (feed-gaps.ts).
    description: a.summary ? cdata(htmlText(a.summary)) : undefined,
    content: withBody ? cdata(itemBodyHtml(doc, a)) : undefined,
    // An item's own rights travel with its full text (partners, or everyone by config).
    copyright: doc.fullText ? a.rights : undefined,
    category: a.categories.map((c) => ({ name: xmlText(c.label), domain: doc.categoryScheme })),
    enclosure: rssEnclosure(a),
    extensions,
  };
}

/**
 * RSS 2.0 allows one <enclosure> per item (RSS Advisory Board profile,
 * "enclosure"), so the others are left to Atom and JSON Feed, which carry
 * them all. The first media file takes the slot when there is one: it is
 * what a podcast app plays, and the image is in <media:content> anyway.
 * Else the image, as before. A length we do not know is 0, as the profile advises.
 */
function rssEnclosure(a: Article): Enclosure | undefined {
  const media = a.enclosures?.[0];
  if (media) return { url: media.url, type: media.type, length: media.length ?? 0 };
  return a.image ? { url: a.image.url, type: imageType(a.image.url, a.image.type), length: 0 } : undefined;
}
