// The one model every format renders: a feed's identity, its links and its
// items. Routes build it; rss.ts, atom.ts and json.ts only render it.
import type { Config } from '../config.js';
import type { Article } from '../model.js';

export type FeedFormat = 'rss' | 'atom' | 'json';
export const feedFormats: readonly FeedFormat[] = ['rss', 'atom', 'json'];

export const contentTypes: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface FeedDocument {
  /** A URI naming the feed whatever its format, e.g. {base}/feeds/all. */
  id: string;
  title: string;
  description: string;
  /** The HTML page the feed stands for. */
  homeUrl: string;
  /** The feed's own URL in each format. */
  urls: Record<FeedFormat, string>;
  /** The newest item's update time: the feed changes only when an item does. */
  updated: Date;
  language: string;
  author: string;
  rights?: string;
  /** Publish content:encoded / Atom content / content_html. */
  fullText: boolean;
  /** Where category slugs are defined: {base}/categories. */
  categoryScheme: string;
  baseUrl: string;
  items: Article[];
}

export interface FeedSpec {
  /** Path without extension, e.g. /feeds/categories/climate. */
  path: string;
  title: string;
  description: string;
}

export function buildDocument(cfg: Readonly<Config>, spec: FeedSpec, items: Article[]): FeedDocument {
  const base = cfg.site.baseUrl;
  const newest = items.reduce((max, a) => Math.max(max, a.updatedAt.getTime()), 0);
  return {
    id: `${base}${spec.path}`,
    title: spec.title,
    description: spec.description,
    homeUrl: `${base}/`,
    urls: { rss: `${base}${spec.path}.rss`, atom: `${base}${spec.path}.atom`, json: `${base}${spec.path}.json` },
    updated: new Date(newest),
    language: cfg.site.language,
    author: cfg.site.author,
    rights: cfg.site.rights,
    fullText: cfg.publish.fullTextPublic,
    categoryScheme: `${base}/categories`,
    baseUrl: base,
    items,
  };
}

/** An item's id: a URL of ours that never changes, as Atom requires an IRI. */
export function itemId(doc: Pick<FeedDocument, 'baseUrl'>, article: Pick<Article, 'id'>): string {
  return `${doc.baseUrl}/articles/${article.id}`;
}
