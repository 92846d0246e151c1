// The one model every format renders: a feed's identity, its links and its
// items. Routes build it; rss.ts, atom.ts, json.ts and partner/ninjs.ts only render it.
import type { Config, GazetteerEntry } from '../config/config.js';
import { slugify } from '../ingest/classify/classify.js';
import type { Article } from '../model.js';

/** The formats everyone may read, pushed by the hub and listed on the pages. */
export type FeedFormat = 'rss' | 'atom' | 'json';
export const feedFormats: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** IPTC ninjs 2.0 (partner/ninjs.ts): for partners only, so never listed, pushed or answered to the public. */
export type PartnerFormat = 'ninjs';
export const partnerFormats: readonly PartnerFormat[] = ['ninjs'];

/** Every format a feed page can be rendered in. */
export type RenderFormat = FeedFormat | PartnerFormat;
const renderFormats: readonly RenderFormat[] = [...feedFormats, ...partnerFormats];

export const contentTypes: Record<RenderFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  // ninjs has no media type of its own registered with IANA: it is JSON.
  ninjs: 'application/json; charset=utf-8',
};

export interface FeedDocument {
  /** A URI naming the feed whatever its format and page, e.g. {base}/feeds/all. */
  id: string;
  title: string;
  description: string;
  /** The HTML page the feed stands for. */
  homeUrl: string;
  /** This page's own URL in each format, with its query. */
  urls: Record<RenderFormat, string>;
  /** Links to the feed's other pages, in each format. */
  pages: Record<RenderFormat, PageLinks>;
  /** The WebSub hub the feed is pushed through: the built-in one, or publish.hub (config.ts, websub.hubUrl). */
  hub?: string;
  /** The XSLT stylesheet that makes RSS and Atom readable in a browser. */
  stylesheet: string;
  /** The newest item's update time, or the last withdrawal from the feed when that is later. */
  updated: Date;
  language: string;
  author: string;
  rights?: string;
  /** Publish content:encoded / Atom content / content_html. */
  fullText: boolean;
  /** Each item's HTML body also shows its image, categories and related stories (itemBodyHtml, below). */
  metadataInHtml: boolean;
  /** Where category slugs are defined: {base}/categories. */
  categoryScheme: string;
  /** The gazetteer's kind of each tag that has one, by tag slug (config `tags[].kind`). */
  tagKinds: ReadonlyMap<string, TagKind>;
  baseUrl: string;
  items: Article[];
  /**
   * Articles withdrawn from the feed lately: Atom names them (RFC 6721);
   * RSS and JSON Feed, which have no standard way to, carry a kill notice
   * for each when `killNotices` is set (a partner's feed).
   */
  tombstones: Tombstone[];
  /** RSS and JSON Feed list the tombstones as kill notices (partners only: the public feeds stay as they were). */
  killNotices: boolean;
  /**
   * The items corrected within `publish.tombstone_days`, by article id: every
   * format marks them with what changed and when (partner/corrections.ts).
   * Partners only: empty for the public, whose feeds stay as they were.
   */
  corrections: ReadonlyMap<number, CorrectionNotice>;
}

/** An item's latest correction: the version it made, when, what it changed, and the title and summary it replaced (never the body). */
export interface CorrectionNotice {
  version: number;
  at: Date;
  changed: readonly ('title' | 'summary' | 'body')[];
  previousTitle: string;
  previousSummary: string;
}

/** An article withdrawn from a feed: its id (the entry's atom:id is made of it), when, its title then and the reason given. */
export interface Tombstone {
  id: number;
  withdrawnAt: Date;
  title: string;
  reason?: string;
}

/**
 * <wirefeed:embargo until="…"/> on an item a permitted partner gets before
 * its embargo ends (RSS and Atom; JSON Feed has `_wirefeed.embargo`): not to
 * be published before `until`, which is also its published time.
 */
export function embargoMark(until: Date): Record<string, unknown> {
  return { _attributes: { until: until.toISOString() } };
}

/** The neutral title of a kill notice, in RSS and JSON Feed. */
export function killTitle(t: Pick<Tombstone, 'title'>): string {
  return `Withdrawn: ${t.title}`;
}

/** The plain-text body of a kill notice. */
export function killText(t: Pick<Tombstone, 'reason'>): string {
  return t.reason ? `This article was withdrawn by the publisher: ${t.reason}` : 'This article was withdrawn by the publisher.';
}

/** What a feed is made of besides its items and page. */
export interface DocumentOptions {
  /** Publish the full text (a partner's tier, or the config); the config's choice by default. */
  fullText?: boolean;
  /** The date of a feed with nothing to date it by: when the database was created (store/content-version.ts), not 1970. */
  emptySince?: Date;
  /** Articles withdrawn lately, for tombstones. */
  tombstones?: Tombstone[];
  /** Also list them in RSS and JSON Feed as kill notices (a partner's feed); off by default. */
  killNotices?: boolean;
  /** The last withdrawal from the feed, however long ago: the feed changed then, though its items may be older. */
  lastWithdrawn?: Date;
  /** Items corrected lately, for correction notices (a partner's feed); none by default. */
  corrections?: ReadonlyMap<number, CorrectionNotice>;
}

/**
 * RFC 5005 pages: `next` leads to older items and is there whenever older
 * items exist; `previous` and `first` are on every page but the first. XML
 * feeds also give them their archived-feed names (feed-gaps.ts).
 */
export interface PageLinks {
  first?: string;
  previous?: string;
  next?: string;
}

export interface FeedSpec {
  /** Path without extension, e.g. /feeds/categories/climate. */
  path: string;
  title: string;
  description: string;
  /** Query parameters that name the feed (search's `q`): in its id and in every link. */
  params?: Record<string, string>;
}

/** Where a page sits among its feed's pages; cursors are opaque to everything but paging. */
export interface PageSpec {
  /** The `limit` asked for: every link keeps it. */
  limit?: number;
  /** This page's cursor; absent on the first page. */
  cursor?: string;
  /** The cursor of the page above this one; absent when that is the first page. */
  newerCursor?: string;
  /** The cursor of the page below this one; absent when no older items exist. */
  olderCursor?: string;
}

export function buildDocument(
  cfg: Readonly<Config>,
  spec: FeedSpec,
  items: Article[],
  page: PageSpec = {},
  options: DocumentOptions = {},
): FeedDocument {
  const base = cfg.site.baseUrl;
  const changed = items.reduce((max, a) => Math.max(max, a.updatedAt.getTime()), options.lastWithdrawn?.getTime() ?? 0);
  const newest = changed || (options.emptySince?.getTime() ?? 0);
  const url = (format: RenderFormat, cursor?: string) =>
    `${base}${spec.path}.${format}${query({ ...spec.params, limit: page.limit?.toString(), cursor })}`;
  const links = (format: RenderFormat): PageLinks => ({
    ...(page.cursor !== undefined ? { first: url(format), previous: url(format, page.newerCursor) } : {}),
    ...(page.olderCursor !== undefined ? { next: url(format, page.olderCursor) } : {}),
  });
  return {
    id: `${base}${spec.path}${query({ ...spec.params })}`,
    title: spec.title,
    description: spec.description,
    homeUrl: `${base}/`,
    urls: Object.fromEntries(renderFormats.map((f) => [f, url(f, page.cursor)])) as Record<RenderFormat, string>,
    pages: Object.fromEntries(renderFormats.map((f) => [f, links(f)])) as Record<RenderFormat, PageLinks>,
    hub: cfg.websub.hubUrl,
    stylesheet: `${base}/feed.xsl`,
    updated: new Date(newest),
    language: cfg.site.language,
    author: cfg.site.author,
    rights: cfg.site.rights,
    fullText: options.fullText ?? cfg.publish.fullTextPublic,
    metadataInHtml: cfg.publish.metadataInHtml,
    categoryScheme: `${base}/categories`,
    baseUrl: base,
    tagKinds: tagKindsOf(cfg),
    items,
    tombstones: options.tombstones ?? [],
    killNotices: options.killNotices ?? false,
    corrections: options.corrections ?? new Map(),
  };
}

export type TagKind = NonNullable<GazetteerEntry['kind']>;

const tagKinds = new WeakMap<Readonly<Config>, ReadonlyMap<string, TagKind>>();

/** The gazetteer's kinds by tag slug, worked out once per config. */
function tagKindsOf(cfg: Readonly<Config>): ReadonlyMap<string, TagKind> {
  let kinds = tagKinds.get(cfg);
  if (!kinds) {
    kinds = new Map(cfg.gazetteer.filter((g) => g.kind !== undefined).map((g) => [slugify(g.name), g.kind!]));
    tagKinds.set(cfg, kinds);
  }
  return kinds;
}

/** "?q=flood&limit=10" from the parameters that have a value; "" when none has. */
function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** An item's id: a URL of ours that never changes, as Atom requires an IRI. */
export function itemId(doc: Pick<FeedDocument, 'baseUrl'>, article: Pick<Article, 'id'>): string {
  return `${doc.baseUrl}/articles/${article.id}`;
}

// The HTML body of an item, the same in every format (RSS content:encoded,
// Atom <content type="html">, JSON Feed content_html): the article's full
// text where this reader may have it, else its summary as a paragraph. With
// `publish.metadata_in_html` (on by default) the body also shows what the
// format's extensions carry, for readers that ignore them (newsboat shows
// neither Media RSS nor atom:link rel="related"): the image as a <figure>
// with its caption and credit at the top, and the categories and related
// stories as a short list at the end. A public reader gets the summary with
// them, never the full text.
//
// Everything added here is escaped; the article's own HTML was sanitized at
// ingest, and the URLs printed were checked absolute http(s) (renderable.ts).

/** What an item's body is made of: the document's tier and the config switch. */
export interface BodyOptions {
  fullText: boolean;
  metadataInHtml: boolean;
}

export function itemBodyHtml(options: BodyOptions, a: Article): string {
  const text = options.fullText && a.contentHtml ? a.contentHtml : a.summary ? `<p>${escapeHtml(a.summary)}</p>` : '';
  if (!options.metadataInHtml) return text;
  return `${figure(a)}${text}${metadataList(a)}`;
}

/** Whether the body says more than the summary: full text, or the metadata around it. */
export function hasHtmlBody(options: BodyOptions, a: Article): boolean {
  if (options.fullText && a.contentHtml) return true;
  return options.metadataInHtml && (a.image !== undefined || a.categories.length > 0 || a.related.length > 0);
}

function figure(a: Article): string {
  if (!a.image) return '';
  const { url, caption, credit } = a.image;
  const alt = caption ?? a.title;
  const words = [caption ? escapeHtml(caption) : '', credit ? (caption ? `(${escapeHtml(credit)})` : escapeHtml(credit)) : ''].filter(Boolean).join(' ');
  const figcaption = words ? `<figcaption>${words}</figcaption>` : '';
  return `<figure><img src="${escapeHtml(url)}" alt="${escapeHtml(alt)}">${figcaption}</figure>`;
}

function metadataList(a: Article): string {
  const parts: string[] = [];
  if (a.categories.length > 0) parts.push(`<p>Categories: ${a.categories.map((c) => escapeHtml(c.label)).join(', ')}</p>`);
  if (a.related.length > 0) {
    const links = a.related.map((r) => `<li><a href="${escapeHtml(r.url)}">${escapeHtml(r.title)}</a></li>`).join('');
    parts.push(`<p>Related:</p><ul>${links}</ul>`);
  }
  return parts.join('');
}

/** Text and attribute values (always double-quoted here) in HTML. */
function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
