// Cleans article HTML for republication: an allowlist of news markup
// (sanitize-html), absolute links, no tracking pixels, no site boilerplate,
// embedded players only from hosts the operator allows, a caption printed
// twice kept once, and the inline "Related: <headline> <date>" line lifted
// out of the body; with the body's text for search, read from the same parse.
import { decodeHTML } from 'entities';
import { DomUtils, parseDocument } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { type DomNode, textOfNodes } from './body-text.js';
import { isTrackingPixel } from '../parse/content-image.js';
import { collapseSpaces } from '../parse/spaces.js';

export interface SanitizeOptions {
  /** Relative links and images resolve against this URL (the article's). */
  baseUrl: string;
  /** A paragraph whose whole text matches one of these is site boilerplate. */
  boilerplate: readonly RegExp[];
  /** Hosts whose https iframes (video players) are kept; none by default. */
  iframeHosts?: readonly string[];
}

/** The players most news sites embed; the config offers these as its default. */
export const defaultIframeHosts: readonly string[] = ['www.youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com'];

export interface SanitizedContent {
  html: string;
  /** Inline "Related:" links found in (and removed from) the body. */
  related: { url: string; title: string }[];
  /** The body's words without markup (what `bodyText(html)` gives), for the search index. */
  text: string;
}

const allowedTags = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'small', 'mark',
  'abbr', 'cite', 'q', 'time', 'a', 'img', 'figure', 'figcaption', 'picture', 'source',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
];

const allowedAttributes: sanitizeHtml.IOptions['allowedAttributes'] = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  source: ['srcset', 'type', 'media'],
  abbr: ['title'],
  time: ['datetime'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  blockquote: ['cite'],
  q: ['cite'],
  iframe: ['src', 'width', 'height', 'title', 'allowfullscreen'],
};

export function sanitizeContent(html: string, options: SanitizeOptions): SanitizedContent {
  const absolute = (value: string | undefined) => toAbsolute(value, options.baseUrl);
  const iframeHosts = options.iframeHosts ?? [];
  const clean = sanitizeHtml(html, {
    allowedTags: iframeHosts.length ? [...allowedTags, 'iframe'] : allowedTags,
    allowedAttributes,
    // Only web and mail links survive: javascript:, data: and the rest are dropped.
    allowedSchemes: ['http', 'https', 'mailto'],
    // An embedded player is a page inside ours: https only, and only from an allowed host.
    allowedSchemesByTag: { img: ['http', 'https'], iframe: ['https'] },
    allowedIframeHostnames: [...iframeHosts],
    allowIframeRelativeUrls: false,
    allowProtocolRelative: false,
    // Dropped with their text: what is inside them is never article prose.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'form', 'button', 'select', 'label', 'iframe', 'object', 'svg', 'template'],
    transformTags: {
      a: (tag, attribs) => ({ tagName: tag, attribs: withUrl(attribs, 'href', absolute) }),
      // Decided here, on the attributes as written: the style that can make
      // an image a beacon is not kept, so the filter below no longer sees it.
      // A beacon loses its src, and an img without one is dropped.
      img: (tag, attribs) => ({ tagName: tag, attribs: withUrl(attribs, 'src', isTrackingPixel(attribs) ? () => undefined : absolute) }),
      iframe: (tag, attribs) => ({ tagName: tag, attribs: withUrl(attribs, 'src', httpsIfProtocolRelative) }),
    },
    // An iframe whose src was refused (wrong host or scheme) is dropped, not left empty.
    exclusiveFilter: (frame) =>
      (frame.tag === 'img' && !frame.attribs.src) ||
      (frame.tag === 'iframe' && !frame.attribs.src) ||
      (frame.tag === 'p' && isBoilerplate(frame.text, options.boilerplate)),
  });
  const related: SanitizedContent['related'] = [];
  // sanitize-html re-serialises the markup: paragraphs carry no attributes
  // and never nest, and links are <a href="…">. A paragraph whose text starts
  // with "Related:" is a pointer to other stories, not body text: each of its
  // links becomes a related story and the paragraph goes.
  const body = clean.replace(/<p>([\s\S]*?)<\/p>/g, (paragraph, inner: string) => {
    // sanitize-html writes text back with only & < > " escaped, so a
    // paragraph that starts "Related:" holds the word as such (unless markup
    // cuts the word itself in two): only those paragraphs are read in full.
    if (!/related/i.test(inner) || !/^related\s*:/i.test(textOf(inner))) return paragraph;
    const links = [...inner.matchAll(/<a href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)];
    if (links.length === 0) return paragraph;
    for (const [, href = '', title = ''] of links) related.push({ url: decodeHTML(href), title: textOf(title) });
    return '';
  });
  const { html: kept, text } = withoutRepeatedCaptions(body);
  return { html: kept.trim(), related, text };
}

function textOf(html: string): string {
  return collapseSpaces(decodeHTML(html.replace(/<[^>]*>/g, '')));
}

function withUrl(attribs: sanitizeHtml.Attributes, name: string, absolute: (v: string | undefined) => string | undefined) {
  const value = absolute(attribs[name]);
  const next = { ...attribs };
  if (value) next[name] = value;
  else delete next[name];
  return next;
}

/** Embed codes often write "//www.youtube.com/embed/…"; the https form is the same player. */
function httpsIfProtocolRelative(value: string | undefined): string | undefined {
  return value?.trim().startsWith('//') ? `https:${value.trim()}` : value;
}

/** `value` resolved against `base`, without a user name or password (a credential in upstream content is never republished). */
function toAbsolute(value: string | undefined, base: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim(), base);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/** Pairs where the second block repeating the first is a caption printed twice. */
const REPEATS = new Set(['p p', 'figcaption figcaption', 'figcaption p']);

/**
 * Drops a <p> or <figcaption> whose text is that of the block just before it:
 * CMS templates often print a photo's caption twice, in the figure and again
 * as a paragraph. Two blocks are consecutive when nothing visible (text, an
 * image, another element) lies between them; a figure's end is no boundary.
 * The markup is sanitize-html's own, so the repeat is cut out of it by its
 * position and everything else stays byte for byte. The text of what is
 * kept comes from the same parse (body-text.ts would parse it again).
 */
function withoutRepeatedCaptions(html: string): { html: string; text: string } {
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  const repeats = new Set<DomNode>();
  let previous: { name: string; text: string } | undefined;
  const visit = (nodes: DomNode[]): void => {
    for (const node of nodes) {
      if (DomUtils.isText(node) && node.data.trim()) previous = undefined;
      if (!DomUtils.isTag(node)) continue;
      if (node.name === 'figure') {
        visit(node.children);
      } else if (node.name !== 'p' && node.name !== 'figcaption') {
        previous = undefined;
        visit(node.children);
        previous = undefined;
      } else {
        const text = DomUtils.textContent(node);
        const repeated = previous !== undefined && REPEATS.has(`${previous.name} ${node.name}`) && sameWords(previous.text, text);
        if (repeated) repeats.add(node);
        else previous = { name: node.name, text };
      }
    }
  };
  visit(doc.children);
  const text = textOfNodes(doc.children, (node) => !repeats.has(node));
  // Indices are there: parseDocument was asked for them.
  const cuts = [...repeats].map((node) => ({ start: node.startIndex as number, end: (node.endIndex as number) + 1 }));
  return { html: cuts.reduceRight((out, cut) => out.slice(0, cut.start) + out.slice(cut.end), html), text };
}

/**
 * Whether two texts read the same: the same words (runs of non-space), at
 * least one, in the same order. The first words are compared before the
 * whole texts, since neighbouring paragraphs nearly always differ at once.
 */
function sameWords(a: string, b: string): boolean {
  const firstWord = /\S+/;
  const word = firstWord.exec(a)?.[0];
  if (word === undefined || word !== firstWord.exec(b)?.[0]) return false;
  return a === b || collapseSpaces(a) === collapseSpaces(b);
}

function isBoilerplate(text: string, patterns: readonly RegExp[]): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && patterns.some((p) => p.test(trimmed));
}
