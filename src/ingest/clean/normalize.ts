// Turns an untrusted ParsedEntry into plain, checked values: a guid, an
// absolute canonical URL, plain-text title/summary/author, UTC dates, and an
// image and enclosures with absolute URLs. HTML content is left to sanitize.
import { createHash } from 'node:crypto';
import { decodeHTML } from 'entities';
import sanitizeHtml from 'sanitize-html';
import type { Enclosure, Image } from '../../model.js';
import { precutHtml } from './cap.js';
import { parseDate } from './dates.js';
import { cleanEnclosures } from './enclosures.js';
import type { ParsedEntry } from '../parse/parsed.js';
import { collapseSpaces } from '../parse/spaces.js';

export { parseDate };

export interface NormalizedEntry {
  guid: string;
  url: string;
  title: string;
  /** Absent when the entry has none: refresh then takes it from the cleaned content. */
  summary?: string;
  contentHtml: string;
  author?: string;
  publishedAt: Date;
  updatedAt: Date;
  image?: Image;
  /** Media files other than pictures (ingest/clean/enclosures.ts). */
  enclosures: Enclosure[];
  upstreamCategories: string[];
  tags: string[];
  related: { url: string; title?: string }[];
  rights?: string;
  /** Where the content's relative href and src resolve: its xml:base, else the entry's URL. */
  baseUrl: string;
  /** `url` is the feed's page standing in for a link the entry does not have (ArticleDraft.urlFallback). */
  urlFallback: boolean;
  /** The content's size in bytes as it came, when it was cut short here (NormalizeContext.maxContentBytes). */
  contentCutFrom?: number;
}

export interface NormalizeContext {
  /** Where relative URLs resolve: the feed's site link, else the feed URL; absolute (`feedBase`). */
  baseUrl: string;
  /** The time of this ingest: stands in for a missing date and caps future ones. */
  now: Date;
  /**
   * The cap on stored content (ingest.max_content_bytes). Sanitizing drops
   * markup and adds to links, so the raw HTML is cut here at a few times the
   * cap, only to bound sanitize's work; capHtml applies the cap itself to
   * what sanitize makes of it.
   */
  maxContentBytes?: number;
}

/** Raw HTML is cut at this many times the cap before sanitizing. */
const PRECUT_FACTOR = 4;
/** A summary is an excerpt of a few hundred characters: no more than this of its source is read. */
const SUMMARY_SOURCE_MAX = 64 * 1024;

// XML 1.0 (section 2.2) allows tab, LF, CR and U+0020 and above, minus the
// surrogates and U+FFFE/U+FFFF. Anything else would make our feeds not
// well-formed, so it is removed as the text comes in.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// Query parameters that only track the click; dropping them lets the same
// story reached through two campaigns be recognised as one URL.
const TRACKING_PARAM = /^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|ref_src)$/i;

export function cleanText(value: string | undefined): string | undefined {
  const cleaned = value?.replace(XML_FORBIDDEN, '').trim();
  return cleaned || undefined;
}

/** Plain text from a value that may hold HTML tags or entities. */
export function plainText(value: string | undefined): string | undefined {
  const cleaned = cleanText(value);
  if (!cleaned) return undefined;
  // Without a tag or an entity there is nothing to strip or decode, and most
  // titles and summaries come that way once the feed's XML is read.
  if (!/[<&]/.test(cleaned)) return cleanText(collapseSpaces(cleaned));
  // HTML reads "<![CDATA[" as the start of a bogus comment and drops the
  // rest; in a title that got here it is text, as the XML's own CDATA
  // sections are unwrapped before this.
  const stripped = sanitizeHtml(cleaned.replaceAll('<![CDATA[', '&lt;![CDATA['), { allowedTags: [], allowedAttributes: {} });
  return cleanText(collapseSpaces(decodeHTML(stripped)));
}

// Longer than any link a browser or CDN keeps (RFC 9110 section 4.1 asks
// for at least 8,000 octets): such a "link" is padding, not an address.
const MAX_URL_LENGTH = 8192;

/**
 * An absolute URL without fragment, tracking parameters or user name and
 * password (a credential in an upstream's link is never republished), or
 * undefined when there is none.
 */
export function canonicalUrl(value: string | undefined, base?: string): string | undefined {
  const raw = cleanText(value);
  if (!raw || raw.length > MAX_URL_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(url.protocol)) return undefined;
  url.hash = '';
  url.username = '';
  url.password = '';
  // Filter the raw query rather than going through URLSearchParams, which
  // would re-encode the parameters that stay (%20 → +, / → %2F).
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !TRACKING_PARAM.test(safeDecode(pair.split('=')[0] ?? '')));
  url.search = kept.length ? `?${kept.join('&')}` : '';
  return url.href;
}

/** `value` resolved against `base`, when that gives an absolute http(s) URL; kept as written but for a user name and password. */
export function absoluteUrl(value: string | undefined, base?: string): string | undefined {
  const raw = cleanText(value);
  if (!raw || raw.length > MAX_URL_LENGTH || !URL.canParse(raw, base)) return undefined;
  const url = new URL(raw, base);
  url.username = '';
  url.password = '';
  return ['http:', 'https:'].includes(url.protocol) ? url.href : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** "jane@example.com (Jane Doe)" is RSS's author form; readers want the name. */
function authorName(value: string | undefined): string | undefined {
  const text = plainText(value);
  const named = text?.match(/^\S+@\S+\s+\((.+)\)$/);
  return named?.[1] ?? text;
}

export function normalizeEntry(entry: ParsedEntry, ctx: NormalizeContext): NormalizedEntry {
  // Relative links resolve against xml:base (itself resolved against the
  // feed's base), then the feed's link, then the feed's own URL (ctx.baseUrl
  // is the first of those two that is absolute). A guid stands in for the
  // link only when it is itself an absolute URL. A link to the feed's page
  // itself is no link of the entry's own: feeds that have none for their
  // items often repeat the channel's.
  const feedBaseUrl = absoluteUrl(ctx.baseUrl);
  const feedPage = canonicalUrl(feedBaseUrl);
  const linkBase = absoluteUrl(entry.base, feedBaseUrl) ?? feedBaseUrl;
  const own = (value: string | undefined) => (value !== undefined && value !== feedPage ? value : undefined);
  const url = own(canonicalUrl(entry.link, linkBase)) ?? own(canonicalUrl(entry.guid));
  // An entry without a link of its own is published with its feed's page,
  // which must then be absolute: "/" or "./" stored as a URL would be no
  // link at all to a reader, and cannot go in a feed.
  const pageUrl = url ?? feedBaseUrl;
  if (!pageUrl) throw new Error('normalize: the entry has no absolute link, and its feed no absolute URL to stand in');
  // Content resolves against its own xml:base, then the entry's link.
  const contentBase = absoluteUrl(entry.contentBase, url ?? linkBase) ?? url ?? linkBase ?? pageUrl;
  const title = plainText(entry.title);
  const published = parseDate(entry.published) ?? parseDate(entry.updated);
  const publishedAt = clamp(published ?? ctx.now, ctx.now);
  const updated = parseDate(entry.updated);
  const updatedAt = clamp(updated && updated > publishedAt ? updated : publishedAt, ctx.now);
  // Identity: the upstream guid, else the entry's own link (never the page
  // standing in for it, which its neighbours share), else a hash of title and date.
  const guid =
    cleanText(entry.guid) ??
    url ??
    `sha1:${createHash('sha1').update(`${title ?? ''}\n${published?.toISOString() ?? ''}`).digest('hex')}`;
  const imageUrl = canonicalUrl(entry.image?.url, contentBase);
  const content = cleanText(entry.content) ?? '';
  const precut = ctx.maxContentBytes === undefined ? undefined : precutHtml(content, ctx.maxContentBytes * PRECUT_FACTOR);
  return {
    guid,
    url: pageUrl,
    urlFallback: url === undefined,
    title: title ?? '(untitled)',
    summary: excerpt(plainText(entry.summary && (precutHtml(entry.summary, SUMMARY_SOURCE_MAX) ?? entry.summary))),
    contentHtml: precut ?? content,
    contentCutFrom: precut === undefined ? undefined : Buffer.byteLength(content),
    author: authorName(entry.author),
    publishedAt,
    updatedAt,
    image: imageUrl
      ? {
          url: imageUrl,
          type: cleanText(entry.image?.type),
          caption: plainText(entry.image?.caption),
          credit: plainText(entry.image?.credit),
        }
      : undefined,
    // Media files resolve as links do; only http(s) ones are kept (absoluteUrl).
    enclosures: cleanEnclosures(
      (entry.enclosures ?? []).map((e) => ({ ...e, url: absoluteUrl(e.url, linkBase), title: plainText(e.title) })),
    ),
    upstreamCategories: unique(entry.categories.map(plainText)),
    tags: unique(entry.tags.map(plainText)),
    related: entry.related
      .map((r) => ({ url: canonicalUrl(r.url, pageUrl), title: plainText(r.title) }))
      .filter((r): r is { url: string; title: string | undefined } => !!r.url),
    rights: plainText(entry.rights),
    baseUrl: contentBase,
  };
}

const SUMMARY_MAX = 400;

/** A summary short enough for a feed reader's list, cut at a word. */
export function excerpt(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= SUMMARY_MAX) return text;
  const cut = text.slice(0, SUMMARY_MAX);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 200 ? cut.lastIndexOf(' ') : SUMMARY_MAX).trimEnd()}…`;
}

function clamp(date: Date, now: Date): Date {
  return date > now ? now : date;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))];
}
