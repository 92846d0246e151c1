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
