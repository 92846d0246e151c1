// Caps the size of what an article stores (ingest.max_content_bytes): a feed
// that puts megabytes in one description would otherwise be stored, indexed
// and republished whole, to every reader, on every poll. HTML is cut only
// where htmlparser2 (the parser sanitize-html uses) says a node begins or at
// a space inside text, never inside a tag or an entity, and the elements
// left open are closed again.
import { DomUtils, parseDocument } from 'htmlparser2';
import type { DomNode } from './body-text.js';

/** Marks text cut short, so that a reader sees the article goes on upstream. */
const ELLIPSIS = ' …';

/**
 * Sanitized HTML at most `maxBytes` long in UTF-8, cut after the last whole
 * word that fits and with its open elements closed; `html` itself when it
 * fits. Meant for sanitize-html's output, whose markup is well-formed.
 */
export function capHtml(html: string, maxBytes: number): string {
  const bytes = Buffer.from(html);
  if (bytes.length <= maxBytes) return html;
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  // Closing tags and the ellipsis come on top of the cut: when they overshoot, cut that much earlier.
  for (let budget = maxBytes; budget > 0; ) {
    const open: string[] = [];
    const { at, inText } = cutPoint(doc.children, html, charsWithin(bytes, budget), open);
    const capped = html.slice(0, at) + (inText ? ELLIPSIS : '') + open.reverse().map((name) => `</${name}>`).join('');
    const over = Buffer.byteLength(capped) - maxBytes;
    if (over <= 0) return capped;
    budget -= over;
  }
  return '';
}

/**
 * Raw HTML of at most `maxBytes`, so that what sanitize reads of a huge body
 * is bounded (the exact cap is capHtml's, on what sanitize makes of it); or
 * `undefined` when it fits. Not yet parsed, it is cut by its characters:
 * before the last `<` when that opens a tag still unclosed at the limit,
 * else at the last space after the last tag (an entity holds no space).
 */
export function precutHtml(html: string, maxBytes: number): string | undefined {
  // A UTF-16 code unit is at most three bytes of UTF-8.
  if (html.length <= maxBytes / 3 || Buffer.byteLength(html) <= maxBytes) return undefined;
  const limit = charsWithin(Buffer.from(html), maxBytes);
  const lt = html.lastIndexOf('<', limit - 1);
  const gt = html.lastIndexOf('>', limit - 1);
  if (lt > gt) return html.slice(0, lt);
  const space = html.slice(gt + 1, limit).search(/\s\S*$/);
  return html.slice(0, gt + 1 + Math.max(space, 0));
}

/** How many UTF-16 characters of the text in `bytes` fit in `budget` bytes, without splitting a character. */
function charsWithin(bytes: Buffer, budget: number): number {
  // A streaming decode holds back a character whose bytes are cut off.
  return new TextDecoder().decode(bytes.subarray(0, budget), { stream: true }).length;
}

/**
 * Where to cut `html` so that the part before is at most `limit` characters:
 * the start of the first node that does not fit, or within a text node at the
 * space before the word that does not fit (an entity holds no space), going
 * into elements whose start tag fits. `open` collects the elements cut into.
 */
function cutPoint(nodes: readonly DomNode[], html: string, limit: number, open: string[]): { at: number; inText: boolean } {
  for (const node of nodes) {
    // Indices are there: parseDocument was asked for them (endIndex is inclusive).
    const start = node.startIndex as number;
    if ((node.endIndex as number) < limit) continue;
    if (start >= limit) return { at: start, inText: false };
    if (DomUtils.isText(node)) {
      const space = html.slice(start, limit).search(/\s\S*$/);
      return space > 0 ? { at: start + space, inText: true } : { at: start, inText: false };
    }
    const first = DomUtils.isTag(node) ? node.children[0] : undefined;
    if (!DomUtils.isTag(node) || first === undefined || (first.startIndex as number) > limit) return { at: start, inText: false };
    const depth = open.push(node.name);
    const inside = cutPoint(node.children, html, limit, open);
    if (inside.at > (first.startIndex as number)) return inside;
    // Nothing of the element would be left: it goes whole.
    open.length = depth - 1;
    return { at: start, inText: false };
  }
  const last = nodes.at(-1);
  return { at: last ? (last.endIndex as number) + 1 : 0, inText: false };
}
