// A pre-pass over XML text for the documents rss-parser cannot read as
// served, but the Universal Feed Parser reads: each step starts with a cheap
// string check and leaves every other document untouched, so a feed that
// rss-parser reads fine is parsed once, as before.
import { ParseError } from '../parsed.js';

/**
 * RSS whose items sit directly under <rss> (no <channel>), and RSS 1.0 with
 * no <channel>, get an empty channel around them: rss-parser reads the
 * channel's first element without checking that there is one.
 */
export function withChannel(xml: string): string {
  if (xml.includes('<channel')) return withItemsInChannel(xml);
  if (/<channel[\s>]/i.test(xml)) return xml; // written <CHANNEL>: read case-blind
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

/**
 * RSS 2.0 whose items follow the channel's end tag, inside <rss>: the
 * channel is closed after them instead. (RSS 1.0 puts its items beside the
 * channel by design; rss-parser reads those where they are.)
 */
function withItemsInChannel(xml: string): string {
  const close = xml.lastIndexOf('</channel>');
  const end = xml.lastIndexOf('</rss>');
  if (close < 0 || end < close || xml.indexOf('<item', close) < 0 || xml.indexOf('<item', close) > end) return xml;
  return `${xml.slice(0, close)}${xml.slice(close + '</channel>'.length, end)}</channel>${xml.slice(end)}`;
}

/**
 * Microsoft's Channel Definition Format (1997), which the Universal Feed
 * Parser still reads: a <CHANNEL> root whose <ITEM>s carry their link and
 * date as HREF and LASTMOD attributes. It is given an <rss> around it and
 * each item its link and date as RSS elements; element names are read
 * case-blind (see `caseBlind`).
 */
export function fromCdf(xml: string): string {
  const root = rootElement(xml);
  if (root?.name.toLowerCase() !== 'channel') return xml;
  const items = xml.slice(root.at).replace(/<(item)\b([^>]*?)(\/?)>/gi, (_whole, name: string, attrs: string, empty: string) => {
    const href = /\shref\s*=\s*(["'])([^"']*)\1/i.exec(attrs)?.[2];
    const lastmod = /\slastmod\s*=\s*(["'])([^"']*)\1/i.exec(attrs)?.[2];
    const inner = `${href ? `<link>${href}</link>` : ''}${lastmod ? `<pubDate>${lastmod}</pubDate>` : ''}`;
    return empty ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs}>${inner}`;
  });
  return `${xml.slice(0, root.at)}<rss version="2.0">${items}</rss>`;
}

/** The name of the document's first element: what follows the declaration, comments, processing instructions and DOCTYPE. */
export function firstElement(xml: string): string | undefined {
  return rootElement(xml)?.name;
}

function rootElement(xml: string): { name: string; at: number } | undefined {
  let at = 0;
  for (;;) {
    at = xml.indexOf('<', at);
    if (at < 0) return undefined;
    if (xml.startsWith('<?', at)) at = xml.indexOf('?>', at) + 2;
    else if (xml.startsWith('<!--', at)) at = xml.indexOf('-->', at) + 3;
    else if (xml.startsWith('<!', at)) at = doctypeEnd(xml, at);
    else {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(xml.slice(at, at + 200))?.[1];
      return name === undefined ? undefined : { name, at };
    }
    if (at < 3) return undefined; // an unclosed construct
  }
}

/** Where a DOCTYPE ends: after its internal subset's "]" when it has one. */
function doctypeEnd(xml: string, at: number): number {
  const bracket = xml.indexOf('[', at);
  const close = xml.indexOf('>', at);
  if (bracket >= 0 && bracket < close) return xml.indexOf('>', xml.indexOf(']', bracket)) + 1;
  return close + 1;
}

/**
 * Whether element names must be read case-blind: XML is case-sensitive, but
 * documents whose root is written <RSS>, <Rss> or <CHANNEL> (CDF) come from
 * generators that capitalise every element, and the Universal Feed Parser
 * reads them by lower-casing each name.
 */
export function caseBlind(xml: string): boolean {
  const root = firstElement(xml);
  return root !== undefined && root !== root.toLowerCase() && root !== 'rdf:RDF';
}

const REFERENCE_OR_STRAY = /&(?:(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);)?/g;
// A "<" that can begin no tag, comment, CDATA section or instruction: "5 < 6".
const STRAY_LT = /<(?![A-Za-z_:/!?])/g;

/**
 * A document whose stray "&" (as in `<title>Salt & Pepper</title>` or an
 * unescaped query string) is written `&amp;`, whose references to entities
 * nobody declared are kept as text, and whose "<" that begins no tag
 * ("5 < 6") is written `&lt;`. Such a document is not well-formed and sax
 * refuses it whole; the Universal Feed Parser falls back to its loose parser
 * and reads it. Used only for a second attempt, after sax has refused the
 * document over one of these. CDATA sections are left as they are: an "&"
 * or "<" there is already text.
 */
export function withStrayCharactersEscaped(xml: string, known: (name: string) => boolean): string {
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part
            .replace(REFERENCE_OR_STRAY, (reference, name?: string) => (name && (name.startsWith('#') || known(name)) ? reference : `&amp;${reference.slice(1)}`))
            .replace(STRAY_LT, '&lt;'),
    )
    .join('');
}

/**
 * A feed with text before its XML (a server-side script's warning printed
 * ahead of the document, "Notice: Undefined index ... on line 3"): read from
 * the XML declaration or the root element on, as the Universal Feed Parser
 * does, when one starts within the first 4 KB. Anything else is returned as
 * it is.
 */
export function withoutLeadingText(text: string): string {
  if (text.startsWith('<') || text.startsWith('{')) return text;
  const at = text.slice(0, 4096).search(/<\?xml\s|<(?:rss|feed|rdf:RDF)[\s>]/);
  return at > 0 ? text.slice(at) : text;
}
