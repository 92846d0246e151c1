// Reading the loosely typed values parsers hand back: xml2js nodes (a
// string, `{_: text, $: attributes}` or a one-element array) and JSON values.
import { DomUtils, parseDocument } from 'htmlparser2';

export type Node = unknown;
export type Fields = Record<string, Node>;

/** The text of an xml2js node (a string, `{_: text}` or a one-element array) or a JSON value. */
export function text(node: Node): string | undefined {
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number') return String(node);
  if (isObject(node) && '_' in node) return text(node._);
  return undefined;
}

export function attr(node: Node, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const attrs = node.$;
  return isObject(attrs) ? text(attrs[name]) : undefined;
}

export function list(node: Node): Node[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

export function isObject(node: Node): node is Fields {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** Plain text as HTML text. */
export function escapeHtml<T extends string | undefined>(value: T): T {
  return value?.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') as T;
}

// ---------------------------------------------------------------------------
// A second reading of an XML feed, in document order, for what xml2js (under
// rss-parser) loses: it groups an element's children by name and joins its
// text, so a title with markup ("Example <b>Atom</b>") keeps only its text
// around the markup, an xhtml div comes out reordered, attributes such as
// Atom's `type` and `xml:base` are separated from the text they qualify.
// htmlparser2 in XML mode keeps the tree as written; this reads from it the
// entries' text constructs (RFC 4287 3.1) as HTML text and their bases
// (XML Base, section 4.2: the innermost xml:base, resolved against those
// of its ancestors).

/** What the ordered reading gives for one entry; absent fields are left to rss-parser's reading. */
export interface RawEntry {
  /** HTML text: markup of html and xhtml titles kept (normalize strips it), text titles escaped. */
  title?: string;
  /** HTML: text content escaped into paragraphs, xhtml content in document order. */
  content?: string;
  summary?: string;
  /** xml:base in force at the entry's alternate link, as written when nothing makes it absolute. */
  base?: string;
  /** xml:base in force at the content (or summary): where its relative href and src resolve. */
  contentBase?: string;
  /** The feed-level Atom author, for an entry that names none (RFC 4287 4.2.1). */
  author?: string;
}

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: Record<string, string> }>;

const localName = (el: DomElement) => el.name.slice(el.name.indexOf(':') + 1).toLowerCase();
const elements = (nodes: DomNode[]): DomElement[] => nodes.filter((n): n is DomElement => n.type === 'tag');
const child = (el: DomElement, name: string) => elements(el.children).find((c) => localName(c) === name);

/** Whether an ordered reading is needed: Atom, xml:base, or a title holding an element. */
export function needsRawReading(xml: string): boolean {
  return /<(?:\w+:)?feed[\s>]|xml:base|<title[^>]*>[^<]*<[a-z]/i.test(xml);
}

/** The entries (Atom) or items (RSS) of `xml`, in order; undefined when the document cannot be read so. */
export function readRawEntries(xml: string): RawEntry[] | undefined {
  let root: DomElement | undefined;
  try {
    root = elements(parseDocument(xml, { xmlMode: true }).children)[0];
  } catch {
    return undefined;
  }
  if (!root) return undefined;
  const atom = localName(root) === 'feed';
  const parent = atom ? root : (child(root, 'channel') ?? root);
  const items = elements(parent.children).filter((c) => localName(c) === (atom ? 'entry' : 'item'));
  // RSS 1.0 puts its items beside the channel, under the root.
  if (!atom && items.length === 0) items.push(...elements(root.children).filter((c) => localName(c) === 'item'));
  const feedAuthor = atom ? authorName(child(root, 'author')) : undefined;
  return items.map((item) => {
    const alternate = elements(item.children).find((c) => localName(c) === 'link' && (c.attribs.rel ?? 'alternate') === 'alternate');
    const body = child(item, 'content') ?? child(item, 'summary');
    const hasAuthor = elements(item.children).some((c) => localName(c) === 'author' || c.name === 'dc:creator');
    return {
      title: textConstruct(child(item, 'title'), atom),
      // Atom 0.3's base64 content is decoded by feed.ts from the first reading.
      content: atom && child(item, 'content')?.attribs.mode !== 'base64' ? textConstruct(child(item, 'content'), atom, true) : undefined,
      summary: atom ? textConstruct(child(item, 'summary'), atom) : undefined,
      base: xmlBase(alternate ?? item),
      contentBase: xmlBase(body ?? item),
      author: hasAuthor ? undefined : feedAuthor,
    };
  });
}

/**
 * A text construct as HTML text. RFC 4287 3.1.1: type "text" (Atom's
 * default) is plain text, whose "<" is data; "html" is escaped HTML; "xhtml"
 * is a div whose content is the markup. RSS titles are HTML text, read here
 * only when they hold elements. Out-of-line or other media types are left
 * to rss-parser's reading.
 */
function textConstruct(el: DomElement | undefined, atom: boolean, paragraphs = false): string | undefined {
  if (!el) return undefined;
  const type = (el.attribs.type ?? (atom ? 'text' : 'html')).toLowerCase();
  // Atom 0.3 (draft-ietf-atompub-format-03 3.1.2): mode="base64" text of any type.
  if (atom && el.attribs.mode === 'base64') {
    const decoded = Buffer.from(DomUtils.textContent(el).trim(), 'base64').toString('utf8');
    if (type === 'text' || type === 'text/plain') return paragraphs ? textParagraphs(decoded) : escapeHtml(decoded);
    return decoded;
  }
  if (atom && (type === 'xhtml' || type === 'application/xhtml+xml')) {
    const div = child(el, 'div');
    return render(div ? div.children : el.children);
  }
  if (atom && (type === 'text' || type === 'text/plain')) {
    const value = DomUtils.textContent(el);
    return paragraphs ? textParagraphs(value) : escapeHtml(value);
  }
  if (type !== 'html' && type !== 'text/html') return undefined;
  // Escaped HTML arrives as text (or CDATA); markup written as elements is kept as it is.
  if (!atom && elements(el.children).length === 0) return undefined;
  return el.children.map((n) => (n.type === 'tag' ? render([n]) : DomUtils.textContent(n))).join('');
}

/** Markup as HTML text. A CDATA section inside it is text (XML 1.0 2.7): its "<" and "&" are escaped. */
function render(nodes: DomNode[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'cdata') return escapeHtml(DomUtils.textContent(n));
      if (n.type === 'tag' && hasCdata(n)) {
        const attributes = Object.entries(n.attribs).map(([name, value]) => ` ${name}="${escapeHtml(value).replace(/"/g, '&quot;')}"`);
        return `<${n.name}${attributes.join('')}>${render(n.children)}</${n.name}>`;
      }
      return DomUtils.getOuterHTML(n, { encodeEntities: 'utf8' });
    })
    .join('');
}

function hasCdata(el: DomElement): boolean {
  return el.children.some((c) => c.type === 'cdata' || (c.type === 'tag' && hasCdata(c)));
}

/** Plain text as HTML paragraphs: a blank line parts two, a line break within one is kept. */
function textParagraphs(value: string): string | undefined {
  const paragraphs = value
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`);
  return paragraphs.length ? paragraphs.join('\n') : undefined;
}

function authorName(el: DomElement | undefined): string | undefined {
  const name = el && child(el, 'name');
  return name ? escapeHtml(DomUtils.textContent(name).trim()) || undefined : undefined;
}

/** XML Base 4.2: the innermost xml:base, resolved against the ones around it where they make it absolute. */
function xmlBase(el: DomElement): string | undefined {
  const bases: string[] = [];
  for (let at: DomElement | null = el; at; at = at.parent as DomElement | null) {
    const base = at.attribs?.['xml:base']?.trim();
    if (base) bases.unshift(base);
  }
  return bases.reduce<string | undefined>((outer, inner) => {
    if (outer === undefined || URL.canParse(inner)) return inner;
    return URL.canParse(inner, outer) ? new URL(inner, outer).href : inner;
  }, undefined);
}
