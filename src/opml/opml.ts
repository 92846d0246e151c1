// OPML feed lists (http://opml.org/spec2.opml), the format every feed reader
// imports and exports: read the feeds out of a list, and write a list of our
// sources (opml/import.ts plans how a list maps onto the sources we have).
// Reading goes through xml2js (sax in strict mode), so a file that is not
// well-formed XML is refused with its line and column rather than guessed at.
import xml2js from 'xml2js';

/** A feed as one outline describes it; every field as written, unchecked. */
export interface OpmlFeed {
  /** The outline's title, else its text. */
  name?: string;
  xmlUrl?: string;
  htmlUrl?: string;
  /** The last segment of each `category` path, then the enclosing folders, outermost first. */
  categories: string[];
}

export interface OpmlDocument {
  title?: string;
  feeds: OpmlFeed[];
}

export class OpmlError extends Error {
  override name = 'OpmlError';
  constructor(
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`opml: ${problem}`, options);
  }
}

type Node = unknown;
type Element = Record<string, Node>;

/** Every feed outline of an OPML 1.0 or 2.0 document, folders flattened; throws OpmlError. */
export async function readOpml(xml: string): Promise<OpmlDocument> {
  let doc: Node;
  try {
    doc = await xml2js.parseStringPromise(xml.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new OpmlError(`not well-formed XML: ${saxMessage(err)}`, { cause: err });
  }
  if (!isElement(doc)) throw new OpmlError('the file is empty');
  const root = Object.keys(doc)[0];
  if (root !== 'opml') throw new OpmlError(`the root element is <${root}>, not <opml>`);
  const opml = doc.opml;
  const body = isElement(opml) ? children(opml, 'body')[0] : undefined;
  if (body === undefined) throw new OpmlError('no <body> element');
  const head = isElement(opml) ? children(opml, 'head')[0] : undefined;
  const feeds: OpmlFeed[] = [];
  walk(body, [], feeds);
  return { title: isElement(head) ? textOf(children(head, 'title')[0]) : undefined, feeds };
}

// OPML 2.0 section "Subscription lists": a feed is an outline with type="rss"
// and an xmlUrl. Other outlines are folders, nested to any depth.
function walk(parent: Node, folders: string[], feeds: OpmlFeed[]): void {
  if (!isElement(parent)) return;
  for (const outline of children(parent, 'outline')) {
    const attrs = attributes(outline);
    const name = attrs.title || attrs.text || undefined;
    const isFeed = attrs.xmlurl !== undefined || attrs.type?.toLowerCase() === 'rss';
    if (isFeed) {
      feeds.push({
        name,
        xmlUrl: attrs.xmlurl || undefined,
        htmlUrl: attrs.htmlurl || undefined,
        categories: [...categoryNames(attrs.category), ...folders],
      });
    }
    walk(outline, isFeed || !name ? folders : [...folders, name], feeds);
  }
}

/** "/World/Europe, Tech" → ["Europe", "Tech"]: OPML 2.0 categories are comma-separated slash paths. */
function categoryNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((path) => path.split('/').filter((s) => s.trim() !== '').pop()?.trim() ?? '')
    .filter((name) => name !== '');
}

/** Attribute names lower-cased (some writers spell it "xmlURL"), values with whitespace collapsed. */
function attributes(node: Node): Record<string, string | undefined> {
  const attrs = isElement(node) && isElement(node.$) ? node.$ : {};
  return Object.fromEntries(
    Object.entries(attrs).map(([key, value]) => [key.toLowerCase(), typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : undefined]),
  );
}

function children(node: Element, name: string): Node[] {
  const value = node[name];
  return Array.isArray(value) ? value : [];
}

function textOf(node: Node): string | undefined {
  const text = typeof node === 'string' ? node : isElement(node) && typeof node._ === 'string' ? node._ : undefined;
  return text?.trim() || undefined;
}

function isElement(node: Node): node is Element {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** sax says "Unexpected close tag\nLine: 2\nColumn: 9\nChar: >", counting lines from 0. */
function saxMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const at = /^(.*?)\nLine: (\d+)\nColumn: (\d+)/s.exec(message);
  return at ? `${at[1]} at line ${Number(at[2]) + 1}, column ${at[3]}` : message.split('\n')[0] ?? message;
}

export interface OpmlHead {
  title: string;
  /** Left out of lists served over HTTP, so that their bytes change only with their feeds. */
  dateCreated?: Date;
}

/** An OPML 2.0 subscription list: one outline per feed, categories joined by commas. */
export function writeOpml(head: OpmlHead, feeds: readonly (OpmlFeed & { name: string; xmlUrl: string })[]): string {
  const outline = feeds.map((f) => ({
    $: {
      text: f.name,
      title: f.name,
      type: 'rss',
      xmlUrl: f.xmlUrl,
      ...(f.htmlUrl ? { htmlUrl: f.htmlUrl } : {}),
      ...(f.categories.length ? { category: f.categories.join(',') } : {}),
    },
  }));
  const builder = new xml2js.Builder({ xmldec: { version: '1.0', encoding: 'UTF-8' }, renderOpts: { pretty: true, indent: '  ', newline: '\n' } });
  return builder.buildObject({
    opml: {
      $: { version: '2.0' },
      // dateCreated is an RFC 822 date-time, as in RSS 2.0. No <docs>:
      // OPML 2.0 lists it, but the W3C validator reports it as an error.
      head: {
        title: head.title,
        ...(head.dateCreated ? { dateCreated: head.dateCreated.toUTCString() } : {}),
      },
      body: { outline },
    },
  });
}
