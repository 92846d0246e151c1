// Atom 1.0 (RFC 4287), written by the `feed` package; the elements it cannot
// put in an entry (related links, enclosure with our type, Media RSS image,
// <source>) are added through feed-gaps.ts, as are the tombstones of
// entries withdrawn lately (RFC 6721), which only Atom can carry, and for
// partners the correction notices (partner/corrections.ts).
import type { Item } from 'feed';
import type { Article } from '../model.js';
import { embargoMark, type FeedDocument, hasHtmlBody, itemBodyHtml, itemId } from './document.js';
import {
  addDeletedEntries,
  addPageLinks,
  appendToAtomEntries,
  atomCategories,
  atomLanguages,
  atomSummary,
  atomTextConstructs,
  cdata,
  createFeed,
  declareNamespaces,
  imageType,
  mediaContent,
  namespaces,
  WIREFEED_NAMESPACE,
  xmlAttr,
  xmlText,
} from './feed-gaps.js';
import { correctedElement } from './partner/corrections.js';

type XmlNode = Record<string, unknown>;

export function renderAtom(doc: FeedDocument): string {
  const feed = createFeed(doc, doc.urls.atom);
  for (const article of doc.items) feed.addItem(atomItem(doc, article));
  const withLinks = addPageLinks(feed.atom1(), 'atom', doc.pages.atom, 'application/atom+xml');
  const deleted = doc.tombstones.map((t) => ({ ref: itemId(doc, t), when: t.withdrawnAt, comment: t.reason }));
  const xml = appendToAtomEntries(
    addDeletedEntries(withLinks, deleted),
    doc.items.map((a) => atomExtras(doc, a)),
  );
  const languages = doc.items.map((a) => a.language);
  const wanted: Record<string, string> = { media: namespaces.media };
  if (doc.items.some((a) => a.embargoUntil || doc.corrections.has(a.id))) wanted.wirefeed = WIREFEED_NAMESPACE;
  return atomLanguages(declareNamespaces(atomTextConstructs(xml), 'feed', wanted), doc.language, languages);
}

function atomItem(doc: FeedDocument, a: Article): Item {
  return {
    // Plain text: atomTextConstructs marks it type="text".
    title: cdata(a.title),
    id: itemId(doc, a),
    link: a.url,
    date: a.updatedAt,
    published: a.publishedAt,
    // The summary is written last, by atomExtras (feed-gaps.ts says why); the
    // body is always there with an image, so that the caption is not read as it.
    content: hasHtmlBody(doc, a) || a.image !== undefined ? cdata(itemBodyHtml(doc, a)) : undefined,
    author: a.author ? [{ name: xmlText(a.author) }] : undefined,
    copyright: doc.fullText && a.rights ? xmlText(a.rights) : undefined,
  };
}

function atomExtras(doc: FeedDocument, a: Article): XmlNode[] {
  // RFC 4287 4.2.2: term is required; the label is what readers show.
  const categories = atomCategories(a.categories, doc.categoryScheme);
  const nodes: XmlNode[] = a.related.map((r) => ({
    link: { _attributes: { rel: 'related', href: xmlAttr(r.url), title: xmlAttr(r.title) } },
  }));
  if (a.image) {
    const type = imageType(a.image.url, a.image.type);
    nodes.push({ link: { _attributes: { rel: 'enclosure', href: xmlAttr(a.image.url), type, length: 0 } } });
    nodes.push({ 'media:content': mediaContent(a.image) });
  }
  // RFC 4287 4.2.7.2: an entry may have any number of enclosure links; length (4.2.7.6) is left out when unknown.
  for (const e of a.enclosures ?? []) {
    const attributes = { rel: 'enclosure', href: xmlAttr(e.url), type: xmlAttr(e.type), ...(e.length ? { length: e.length } : {}), ...(e.title ? { title: xmlAttr(e.title) } : {}) };
    nodes.push({ link: { _attributes: attributes } });
  }
  const source: XmlNode = { id: { _text: xmlText(sourceId(doc, a)) }, title: { _text: xmlText(a.source.name) } };
  const links: XmlNode[] = [];
  if (a.source.siteUrl) links.push({ _attributes: { rel: 'alternate', href: xmlAttr(a.source.siteUrl) } });
  // Our own feed of the source, never the upstream one: its URL may carry a licensed wire's key.
  links.push({ _attributes: { rel: 'self', href: xmlAttr(`${sourceId(doc, a)}.atom`) } });
  source.link = links;
  nodes.push({ source });
  // Only a partner permitted to see it before its time gets it: held until then.
  if (a.embargoUntil) nodes.push({ 'wirefeed:embargo': embargoMark(a.embargoUntil) });
  const correction = doc.corrections.get(a.id);
  if (correction) nodes.push({ 'wirefeed:corrected': correctedElement(correction) });
  if (a.summary) nodes.push(atomSummary(a.summary));
  return [...categories, ...nodes];
}

function sourceId(doc: FeedDocument, a: Article): string {
  return `${doc.baseUrl}/feeds/sources/${a.source.slug}`;
}
