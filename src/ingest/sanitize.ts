// Cleans article HTML for republication: an allowlist of news markup
// (sanitize-html), absolute links, no tracking pixels, no site boilerplate,
// and the inline "Related: <headline> <date>" line lifted out of the body.
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** Relative links and images resolve against this URL (the article's). */
  baseUrl: string;
  /** A paragraph whose whole text matches one of these is site boilerplate. */
  boilerplate: readonly RegExp[];
}

export interface SanitizedContent {
  html: string;
  /** Inline "Related:" links found in (and removed from) the body. */
  related: { url: string; title: string }[];
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
};

export function sanitizeContent(html: string, options: SanitizeOptions): SanitizedContent {
  const absolute = (value: string | undefined) => toAbsolute(value, options.baseUrl);
  const clean = sanitizeHtml(html, {
    allowedTags,
    allowedAttributes,
    // Only web and mail links survive: javascript:, data: and the rest are dropped.
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    // Dropped with their text: what is inside them is never article prose.
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'form', 'button', 'select', 'label', 'iframe', 'object', 'svg', 'template'],
    transformTags: {
      a: (tag, attribs) => ({ tagName: tag, attribs: withUrl(attribs, 'href', absolute) }),
      img: (tag, attribs) => ({ tagName: tag, attribs: withUrl(attribs, 'src', absolute) }),
    },
    exclusiveFilter: (frame) =>
      (frame.tag === 'img' && (!frame.attribs.src || isTrackingPixel(frame.attribs))) ||
      (frame.tag === 'p' && isBoilerplate(frame.text, options.boilerplate)),
  });
  const related: SanitizedContent['related'] = [];
  // sanitize-html re-serialises the markup: paragraphs carry no attributes
  // and never nest, and links are <a href="…">. A paragraph whose text starts
  // with "Related:" is a pointer to other stories, not body text: each of its
  // links becomes a related story and the paragraph goes.
  const body = clean.replace(/<p>([\s\S]*?)<\/p>/g, (paragraph, inner: string) => {
    if (!/^related\s*:/i.test(textOf(inner))) return paragraph;
    const links = [...inner.matchAll(/<a href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)];
    if (links.length === 0) return paragraph;
    for (const [, href = '', title = ''] of links) related.push({ url: decodeHTML(href), title: textOf(title) });
    return '';
  });
  return { html: body.trim(), related };
}

function textOf(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

function withUrl(attribs: sanitizeHtml.Attributes, name: string, absolute: (v: string | undefined) => string | undefined) {
  const value = absolute(attribs[name]);
  const next = { ...attribs };
  if (value) next[name] = value;
  else delete next[name];
  return next;
}

function toAbsolute(value: string | undefined, base: string): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return undefined;
  }
}

/** A 1x1 image is a tracking beacon, not a picture. */
function isTrackingPixel(attribs: sanitizeHtml.Attributes): boolean {
  return attribs.width === '1' || attribs.height === '1' || attribs.width === '0' || attribs.height === '0';
}

function isBoilerplate(text: string, patterns: readonly RegExp[]): boolean {
  const trimmed = text.trim();
  return trimmed !== '' && patterns.some((p) => p.test(trimmed));
}
