// Namespaces under unusual prefixes. XML names an element's namespace by a
// URI; the prefix is the document's own choice. rss-parser (through xml2js,
// which does no namespace processing) and the fields we ask it for go by the
// prefixes most feeds use: an Atom feed whose elements are written
// `<atom:feed>`, the `a10:` that .NET's syndication classes give Atom links
// in RSS, RSS 1.0 written `<r:RDF>`/`<rss:item>` or Dublin Core under
// `meta:` would be refused or lose their links and dates. The Universal
// Feed Parser reads them all by URI. So, before parsing, every element whose
// prefix is declared for a namespace we read is renamed to that namespace's
// usual prefix. A document that uses the usual prefixes (nearly all) is
// returned as it is, after one scan for declarations.

import { firstElement } from './prepass.js';

const ATOM = new Set(['http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#']);

/** The prefix rss-parser and feed.ts read each namespace under; '' is no prefix. */
const USUAL_PREFIX: Record<string, string> = {
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
};

const DECLARATION = /\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])([^"']*)\2/g;

/** `xml` with the elements of known namespaces under their usual prefixes. */
export function withUsualPrefixes(xml: string): string {
  if (!xml.includes('xmlns:')) return xml;
  const declared = new Map<string, string>();
  for (const [, prefix, , uri] of xml.matchAll(DECLARATION)) declared.set(prefix as string, (uri as string).trim());
  const root = firstElement(xml);
  const rootIsAtom = root?.slice(root.indexOf(':') + 1) === 'feed';
  const renames = new Map<string, string>();
  for (const [prefix, uri] of declared) {
    // Atom is the document's own language in an Atom feed, an extension (atom:link) in RSS.
    const usual = ATOM.has(uri) ? (rootIsAtom ? '' : 'atom') : USUAL_PREFIX[uri];
    if (usual === undefined || usual === prefix) continue;
    // The usual prefix is taken by another namespace in this document: renaming would merge the two.
    const holder = declared.get(usual);
    if (usual !== '' && holder !== undefined && holder !== uri) continue;
    renames.set(prefix, usual);
  }
  if (renames.size === 0) return xml;
  const tag = /<(\/?)([A-Za-z_][\w.-]*):/g;
  // CDATA sections are text: a `<x:y>` there is not an element.
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(tag, (whole, slash: string, prefix: string) => {
            const usual = renames.get(prefix);
            return usual === undefined ? whole : `<${slash}${usual ? `${usual}:` : ''}`;
          }),
    )
    .join('');
}
