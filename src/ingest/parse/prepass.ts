// A pre-pass over XML text for the documents rss-parser cannot read as
// served, but the Universal Feed Parser reads: each step starts with a cheap
// string check and leaves every other document untouched, so a feed that
// rss-parser reads fine is parsed once, as before.
import { ParseError } from './parsed.js';

/**
 * RSS whose items sit directly under <rss> (no <channel>), and RSS 1.0 with
 * no <channel>, get an empty channel around them: rss-parser reads the
 * channel's first element without checking that there is one.
 */
export function withChannel(xml: string): string {
  if (xml.includes('<channel')) return xml;
  const rss = /<rss(?:\s[^>]*)?>/.exec(xml);
  if (rss) {
    const end = xml.lastIndexOf('</rss>');
    if (!xml.includes('<item') || end < rss.index) throw new ParseError('parse: an RSS document with no channel and no items');
    const open = rss.index + rss[0].length;
    return `${xml.slice(0, open)}<channel>${xml.slice(open, end)}</channel>${xml.slice(end)}`;
  }
  const rdf = /<rdf:RDF(?:\s[^>]*)?>/.exec(xml);
  if (rdf && !rdf[0].endsWith('/>')) {
    const open = rdf.index + rdf[0].length;
    return `${xml.slice(0, open)}<channel/>${xml.slice(open)}`;
  }
  return xml;
}

const REFERENCE_OR_STRAY = /&(?:(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);)?/g;

/**
 * A document whose stray "&" (as in `<title>Salt & Pepper</title>` or an
 * unescaped query string) is written `&amp;`, and whose references to
 * entities nobody declared are kept as text. Such a document is not
 * well-formed and sax refuses it whole; the Universal Feed Parser falls back
 * to its loose parser and reads it. Used only for a second attempt, after
 * sax has refused the document over an entity. CDATA sections are left as
 * they are: an "&" there is already text.
 */
export function withStrayAmpersandsEscaped(xml: string, known: (name: string) => boolean): string {
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) =>
      i % 2 === 1 ? part : part.replace(REFERENCE_OR_STRAY, (reference, name?: string) => (name && (name.startsWith('#') || known(name)) ? reference : `&amp;${reference.slice(1)}`)),
    )
    .join('');
}
