// Finds an article's picture in its HTML when the feed names none (no
// enclosure, media:content or media:thumbnail): the first <figure> with an
// image, its <figcaption> as caption, else the first image of the body.
// HTML is read with htmlparser2, the parser sanitize-html uses, never with
// regular expressions; only the caption's plain text is matched below.
import { DomUtils, parseDocument } from 'htmlparser2';
import { escapeHtml } from './nodes.js';
import type { ParsedImage } from './parsed.js';
import { collapseSpaces } from './spaces.js';

/** What the body says about its picture, as plain text (not HTML). */
export interface ContentImage {
  url: string;
  caption?: string;
  credit?: string;
}

type Element = Parameters<typeof DomUtils.getAttributeValue>[0];

export function firstContentImage(html: string): ContentImage | undefined {
  const doc = parseDocument(html);
  const isPicture = (el: Element) => el.name === 'img' && hasWebSrc(el.attribs.src) && !isTrackingPixel(el.attribs);
  for (const figure of DomUtils.getElementsByTagName('figure', doc)) {
    const img = DomUtils.findOne(isPicture, figure.children);
    if (!img) continue;
    const figcaption = DomUtils.findOne((el) => el.name === 'figcaption', figure.children);
    const caption = figcaption ? collapseSpaces(DomUtils.textContent(figcaption)) : '';
    return { url: (img.attribs.src as string).trim(), ...splitCredit(caption) };
  }
  const img = DomUtils.findOne(isPicture, doc.children);
  return img ? { url: (img.attribs.src as string).trim(), caption: undefined, credit: undefined } : undefined;
}

/**
 * A 1x1 (or 0x0) or hidden image is a tracking beacon, not a picture: sized
 * so by its width or height attribute, or by its inline style, where beacons
 * that dodge the attribute check put the same thing ("width:1px;height:1px",
 * "display:none").
 */
export function isTrackingPixel(attribs: Readonly<Record<string, string | undefined>>): boolean {
  if ([attribs.width, attribs.height].some((size) => size !== undefined && /^[01](px)?$/i.test(size.trim()))) return true;
  return attribs.style !== undefined && hidesByStyle(attribs.style);
}

// A length of at most one pixel: 0 in any unit, or up to 1 in px or unitless
// (CSS allows a unitless 0 only, but the quirks-mode "unitless length" rule
// that browsers apply to pages without a doctype reads "1" as 1px).
const AT_MOST_ONE_PIXEL = /^(?:0*\.?0+(?:[a-z]+|%)?|0*(?:1(?:\.0*)?|0?\.\d+)(?:px)?)$/;
const SIZES = new Set(['width', 'height', 'max-width', 'max-height']);

/**
 * Whether an inline style makes the image invisible: a width or height (or
 * their maxima) of at most one pixel, display:none, visibility:hidden, or
 * opacity 0. Declarations are read as CSS writes them (property: value, ";"
 * between, any case, comments and !important ignored).
 */
function hidesByStyle(style: string): boolean {
  for (const declaration of style.replace(/\/\*[\s\S]*?\*\//g, '').split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).replace(/!\s*important\s*$/i, '').trim().toLowerCase();
    if (SIZES.has(property) && AT_MOST_ONE_PIXEL.test(value)) return true;
    if (property === 'display' && value === 'none') return true;
    if (property === 'visibility' && (value === 'hidden' || value === 'collapse')) return true;
    if (property === 'opacity' && /^0*\.?0+%?$/.test(value)) return true;
  }
  return false;
}

/** A relative or http(s) src; data:, javascript: and the like are not a picture we can republish. */
function hasWebSrc(src: string | undefined): boolean {
  const value = src?.trim();
  return !!value && (!/^[a-z][a-z\d+.-]*:/i.test(value) || /^https?:/i.test(value));
}

// News captions end with the picture's credit. Two forms are recognised,
// and only these, so that a caption is never cut where it merely has a
// parenthesis or a colon:
// - a final parenthesis that reads as a credit: "(AP Photo/Jane Doe)",
//   "(Photo: Jane Doe)", "(Courtesy of the museum)", "(© Agency)";
//   "(left)" is not one;
// - a label that starts the credit: "… — Photo: Jane Doe",
//   "… Photo: Jane Doe", "Credit: Agency".
// The credit keeps its own words ("AP Photo/Jane Doe", "Photo: Jane Doe"),
// as media:credit does.
const PAREN_CREDIT = /^(.*?)\s*\(([^()]*(?:\bphoto|\bimage|\bcredit|\bcourtesy|©|\/)[^()]*)\)$/i;
const LABEL_CREDIT = /^(.*?)[\s—–-]*\b((?:photo(?:graph)?|image|picture|credit)s?\s*:\s*\S.*)$/i;

/** Splits a trailing credit off a figcaption's text. */
export function splitCredit(text: string): { caption?: string; credit?: string } {
  const found = text.match(PAREN_CREDIT) ?? text.match(LABEL_CREDIT);
  if (!found) return { caption: text || undefined, credit: undefined };
  return { caption: collapseSpaces(found[1] ?? '') || undefined, credit: collapseSpaces(found[2] ?? '') };
}

/** The picture of the body when the feed names none; caption and credit as HTML text, like every text field here. */
export function contentImage(html: string | undefined): ParsedImage | undefined {
  const found = html ? firstContentImage(html) : undefined;
  return found && { url: found.url, caption: escapeHtml(found.caption), credit: escapeHtml(found.credit) };
}
