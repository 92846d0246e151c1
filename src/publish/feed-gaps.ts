// Everything that works around the `feed` package (6.x) lives here, so that
// rss.ts and atom.ts stay plain uses of it. The gaps, and why each helper:
// - RSS item extensions are written as given, but the root element only
//   declares the dc/content/atom namespaces in some cases and never media:,
//   so `declareNamespaces` adds what our extensions use.
// - Atom entries take no extensions at all (no related links, no <source>,
//   no Media RSS), so `appendToAtomEntries` adds our elements to each entry.
// - Enclosure types are guessed from the file extension ("image/jpg"), so we
//   pass our own type (`imageType`, or the stored one of a media file) in RSS
//   and write Atom enclosures (image and media files) ourselves.
// - xml-js, which `feed` writes with, escapes only `"` in attribute values:
//   `xmlAttr` escapes the rest before values reach it.
// - xml-js splits only the first "]]>" in a CDATA section's text, so a
//   second one ended the section early: `cdata` splits the later ones.
// - xml-js turns "&amp;" in element text back into "&" before escaping, so
//   text that held "&amp;" itself lost it: `xmlText` keeps it.
// - Atom category labels are escaped for `&` only, so a label with "<" was
//   not well-formed XML: Atom categories are written by `atomCategories`.
// - Atom entry titles and summaries are always type="html"; ours are plain
//   text, and consumers that do not decode html-typed text (rss-parser) would
//   show "&amp;", so `atomTextConstructs` declares them type="text".
// - Feed-level links are self and hub only, and a channel-level extension
//   named atom:link would replace them: the RFC 5005 page links (first,
//   previous, next, and their archive names) are added by `addPageLinks`.
// - The xml-stylesheet href is escaped like an attribute (only `"`), so it
//   goes through `xmlAttr` too.
// - Atom output has no xml:lang (RFC 4287 2; XML 1.0 2.12) at all: the feed's
//   language and an entry's own, when it differs, are added by `atomLanguages`.
// - The Atom feed element takes no extensions either, so the tombstones of
//   withdrawn entries (RFC 6721) are added by `addDeletedEntries`.
// - JSON Feed comes out as 1.0 only; json.ts therefore writes 1.1 itself.
// - The Universal Feed Parser reads Media RSS <media:description> (the image
//   caption) as a description too: as the item's content when no content
//   came before it, as the summary when no summary did, and else over the
//   summary's details. So every item with an image has a content element
//   (rss.ts, atom.ts) and the caption comes after it. In RSS the summary
//   stays where `feed` writes <description>, before <content:encoded>: the
//   W3C validator asks for that order (NeedDescriptionBeforeContent), and
//   feedparser then keeps our summary as the summary, though its
//   summary_detail takes the caption's text. Atom has no such rule, so there
//   the summary is written last, by `atomSummary`, and feedparser's summary
//   and its details are both ours.
import { Feed } from 'feed';
import { js2xml } from 'xml-js';
import type { Category, Image } from '../model.js';
import { mediaTypeFromUrl } from '../media-types.js';
import type { FeedDocument, PageLinks } from './document.js';

type XmlNode = Record<string, unknown>;

/** A `feed` instance with the channel-level fields every XML format shares. */
export function createFeed(doc: FeedDocument, selfUrl: string): Feed {
  return new Feed({
    id: doc.id,
    title: doc.title,
    description: doc.description,
    link: doc.homeUrl,
    language: doc.language,
    updated: doc.updated,
    generator: 'wirefeed',
    copyright: doc.rights,
    // RFC 4287 4.1.1: an Atom entry without an author takes the feed's.
    author: { name: doc.author },
    feed: selfUrl,
    feedLinks: { rss: doc.urls.rss, atom: doc.urls.atom, json: doc.urls.json },
    hub: doc.hub,
    stylesheet: xmlAttr(doc.stylesheet),
  });
}

/** Escapes an attribute value for xml-js, which itself escapes only the double quote. */
export function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Text for a CDATA section that xml-js writes (titles, summaries, content).
 * A "]]>" inside must be split across two sections ("]]" ends one, ">"
 * opens the next); xml-js splits the first one (String.replace with a
 * string), so the later ones are split here and the first left to it.
 */
export function cdata(text: string): string {
  const first = text.indexOf(']]>');
  if (first < 0 || !text.includes(']]>', first + 3)) return text;
  return text.slice(0, first + 3) + text.slice(first + 3).replaceAll(']]>', ']]]]><![CDATA[>');
}

/**
 * Text for an element xml-js writes from a string (`_text`, or a plain
 * string value). It first turns every "&amp;" into "&", so that escaped
 * input is not escaped twice; with every "&" escaped here, that step gives
 * back exactly this text, which it then escapes once.
 */
export function xmlText(text: string): string {
  return text.includes('&') ? text.replaceAll('&', '&amp;') : text;
}

/** Escapes plain text for places where `feed` writes it as HTML (CDATA with type="html"). */
export function htmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The declared media type when there is one, else one from the file extension, else JPEG. */
export function imageType(url: string, declared?: string): string {
  if (declared && /^image\/[\w.+-]+$/.test(declared)) return declared;
  const guessed = mediaTypeFromUrl(new URL(url).pathname);
  return guessed?.startsWith('image/') ? guessed : 'image/jpeg';
}

/** Media RSS <media:content> for an image, with its caption and credit (xml-js compact form). */
export function mediaContent(image: Image): XmlNode {
  const media: XmlNode = { _attributes: { url: xmlAttr(image.url), medium: 'image', type: imageType(image.url, image.type) } };
  if (image.caption) media['media:description'] = { _attributes: { type: 'plain' }, _text: xmlText(image.caption) };
  if (image.credit) media['media:credit'] = { _text: xmlText(image.credit) };
  return media;
}

/**
 * An entry's Atom <category> elements (RFC 4287 4.2.2) as one entry extra,
 * their attributes escaped by us (xml-js compact form: an array is written
 * as repeated elements, in one js2xml call for them all).
 */
export function atomCategories(categories: Category[], scheme: string): XmlNode[] {
  if (categories.length === 0) return [];
  const attributes = (c: Category) => ({ _attributes: { label: xmlAttr(c.label), scheme: xmlAttr(scheme), term: xmlAttr(c.slug) } });
  return [{ category: categories.map(attributes) }];
}

/** RFC 6721's namespace, declared on <feed> only when a tombstone is in it. */
export const TOMBSTONES_NAMESPACE = 'http://purl.org/atompub/tombstones/1.0';

/**
 * wirefeed's own namespace for what no standard element says (kill notices
 * in partners' RSS): a fixed name, the same on every installation, not a
 * document to fetch. Declared on <rss> only when one of its elements is used.
 */
export const WIREFEED_NAMESPACE = 'https://wirefeed.dev/ns/1.0';

export const namespaces = {
  atom: 'http://www.w3.org/2005/Atom',
  content: 'http://purl.org/rss/1.0/modules/content/',
  dc: 'http://purl.org/dc/elements/1.1/',
  media: 'http://search.yahoo.com/mrss/',
};

/** An Atom entry's <summary>, plain text (RFC 4287 3.1.1), as the entry's last extra (see the header for why last). */
export function atomSummary(summary: string): XmlNode {
  return { summary: { _attributes: { type: 'text' }, _cdata: cdata(summary) } };
}

/**
 * xml:lang on the <feed> root, and on each <entry> whose language (the i-th
 * of `entries`) is not the feed's. `feed` writes one `<entry>` per item in
 * item order, so the i-th opening tag is the i-th item's.
 */
export function atomLanguages(xml: string, feed: string, entries: (string | undefined)[]): string {
  const lang = (value: string) => ` xml:lang="${xmlAttr(value).replace(/"/g, '&quot;')}"`;
  let index = 0;
  const withEntries = xml.replace(/<entry>/g, () => {
    const own = entries[index++];
    return own && own !== feed ? `<entry${lang(own)}>` : '<entry>';
  });
  return feed ? withEntries.replace(/<feed(\s[^>]*)?>/, (tag) => tag.replace(/\s*>$/, `${lang(feed)}>`)) : withEntries;
}

/**
 * Marks entry titles and summaries as plain text (RFC 4287 3.1.1). `feed`
 * writes `type="html"` on exactly those two elements and on <content>, so
 * the two tags are rewritten and content stays html.
 */
export function atomTextConstructs(xml: string): string {
  return xml.replaceAll('<title type="html">', '<title type="text">').replaceAll('<summary type="html">', '<summary type="text">');
}

/** Adds xmlns declarations the root element lacks. */
export function declareNamespaces(xml: string, root: string, wanted: Record<string, string>): string {
  const open = new RegExp(`<${root}(\\s[^>]*)?>`);
  return xml.replace(open, (tag) => {
    const missing = Object.entries(wanted)
      .filter(([prefix]) => !tag.includes(`xmlns:${prefix}=`))
      .map(([prefix, uri]) => ` xmlns:${prefix}="${uri}"`)
      .join('');
    return tag.replace(/\s*>$/, `${missing}>`);
  });
}

/**
 * Adds elements to each <entry> of `feed`'s Atom output, in order: `extra[i]`
 * is a list of xml-js compact nodes for the i-th entry. `feed` writes one
 * `</entry>` per item in item order, so the i-th closing tag is the i-th item's.
 */
export function appendToAtomEntries(xml: string, extra: XmlNode[][]): string {
  let index = 0;
  return xml.replace(/\n(\s*)<\/entry>/g, (_match, indent: string) => {
    const nodes = extra[index++] ?? [];
    const fragment = nodes.map((node) => js2xml(node, { compact: true, spaces: 4 })).join('\n');
    const indented = fragment
      .split('\n')
      .filter(Boolean)
      .map((line) => `${indent}    ${line}`)
      .join('\n');
    return `${indented ? `\n${indented}` : ''}\n${indent}</entry>`;
  });
}

/**
 * Each page link under both of RFC 5005's readings: paged feeds (section 3:
 * first, previous, next) and archived feeds (section 4: current,
 * next-archive for the newer page, prev-archive for the older one). Readers
 * follow one set or the other; a page below the first is also marked as an
 * archive (fh:archive), so that nobody subscribes to it by mistake.
 */
const pageRelations = [
  ['first', 'current'],
  ['previous', 'next-archive'],
  ['next', 'prev-archive'],
] as const;

const HISTORY_NAMESPACE = 'http://purl.org/syndication/history/1.0';

/**
 * Adds the RFC 5005 page links to `feed`'s RSS (atom:link in the channel)
 * or Atom (feed-level link) output, before the first item or, in an empty
 * feed, at the end of the channel. Channel-level text is escaped, so the
 * first `<item>` or `<entry>` tag is the first item's.
 */
export function addPageLinks(xml: string, format: 'rss' | 'atom', links: PageLinks, type: string): string {
  const present = pageRelations.filter(([rel]) => links[rel] !== undefined);
  if (present.length === 0) return xml;
  const [item, parent, element] = format === 'rss' ? ['item', 'channel', 'atom:link'] : ['entry', 'feed', 'link'];
  const at = new RegExp(`\\n(\\s*)<${item}>|\\n(\\s*)</${parent}>`).exec(xml);
  if (!at) return xml;
  const indent = at[1] ?? `${at[2] ?? ''}    `;
  const tags = present.flatMap(([paged, archived]) => {
    const href = xmlAttr(links[paged] ?? '').replace(/"/g, '&quot;');
    // The page above the second is the subscription document, reached by `current`, not an archive.
    const rels = archived === 'next-archive' && links.previous === links.first ? [paged] : [paged, archived];
    return rels.map((rel) => `\n${indent}<${element} rel="${rel}" type="${type}" href="${href}"/>`);
  });
  // Only pages after the first have a `first` link: those are the archive documents.
  if (links.first !== undefined) tags.push(`\n${indent}<fh:archive xmlns:fh="${HISTORY_NAMESPACE}"/>`);
  return xml.slice(0, at.index) + tags.join('') + xml.slice(at.index);
}

/**
 * An <at:deleted-entry> (RFC 6721) per withdrawn entry, in the
 * feed's head, before the first entry (or the end of an empty feed), where
 * `addPageLinks` puts its links too. `ref` is the atom:id the entry had and
 * `when` the withdrawal, an RFC 3339 date as atom:updated is. The comment is
 * the publisher's reason when one was given, else a default in English
 * whatever the feed's language, which says so (xml:lang). No link
 * and no at:by: the article's pages answer 410, the publisher is the feed's
 * author already, and the Universal Feed Parser, which does not know the
 * element, would take either for the feed's own link or author.
 */
export function addDeletedEntries(xml: string, deleted: { ref: string; when: Date; comment?: string }[]): string {
  if (deleted.length === 0) return xml;
  const at = /\n(\s*)<entry[\s>]|\n(\s*)<\/feed>/.exec(xml);
  if (!at) return xml;
  const indent = at[1] ?? `${at[2] ?? ''}    `;
  const tags = deleted.map(({ ref, when, comment }) => {
    const attributes = `ref="${xmlAttr(ref).replace(/"/g, '&quot;')}" when="${when.toISOString()}"`;
    // The publisher's reason is in the publisher's words, whose language we do not know: no xml:lang then.
    const said = comment ? `<at:comment>${xmlAttr(comment)}</at:comment>` : '<at:comment xml:lang="en">Withdrawn by the publisher</at:comment>';
    return `\n${indent}<at:deleted-entry ${attributes}>${said}</at:deleted-entry>`;
  });
  return declareNamespaces(xml.slice(0, at.index) + tags.join('') + xml.slice(at.index), 'feed', { at: TOMBSTONES_NAMESPACE });
}
