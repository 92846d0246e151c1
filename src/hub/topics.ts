// What the built-in hub's subscribers can subscribe to: the public feeds
// of this service, one format of one feed each, named by their URL on
// site.base_url (WebSub 2, "topic"): /feeds/all, and the feeds of each
// category, source and tag that exists, as .rss, .atom or .json. Not the
// search feeds (a query is no topic a change can be traced to), nor a later
// page. A topic's document is rendered by the same function the feed routes
// use (http/feeds.ts renderFeedPage), as the public reads it: the first
// page, default limit, so that a delivery holds the bytes a reader gets.
import { createHash } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Context } from '../context.js';
import { linkHeader, renderFeedPage } from '../http/feeds.js';
import { allFeed, categoryFeed, sourceFeed, tagFeed } from '../publish/catalog.js';
import { type FeedFormat, feedFormats, type FeedSpec } from '../publish/document.js';
import type { FeedFilter } from '../store/articles/feeds.js';
import { findCategory } from '../store/categories.js';
import type { Db } from '../store/db/db.js';
import type { Topic } from '../store/hub/subscriptions.js';
import { findSourceBySlug } from '../store/sources.js';
import { findTag } from '../store/tags.js';

/** Longer topic and callback URLs are refused: no feed or webhook needs one, and each is stored. */
export const MAX_URL_LENGTH = 2048;

const FEED = /^\/feeds\/(?:(all)|(categories|sources|tags)\/([^/]+))\.([a-z]+)$/;

/**
 * The topic a hub.topic URL names, or why it names none of ours (the 400's
 * message). `existing`: its category, source or tag must exist now; an
 * unsubscribe does not ask it, so that a subscriber can leave a tag's feed
 * after its last article has gone.
 */
export function parseTopic(db: Db, cfg: Readonly<Config>, topic: string, existing = true): Topic | { error: string } {
  if (topic.length > MAX_URL_LENGTH) return { error: `hub.topic must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(topic);
  } catch {
    return { error: 'hub.topic is not a URL' };
  }
  const base = new URL(cfg.site.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const ours = `one of this service's feeds, such as ${cfg.site.baseUrl}/feeds/all.atom`;
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/feeds/`)) return { error: `hub.topic must be ${ours}` };
  const path = url.pathname.slice(basePath.length);
  if (path.startsWith('/feeds/search.')) return { error: 'hub.topic: search feeds cannot be subscribed to (subscribe to a category, source or tag feed instead)' };
  if (url.search !== '' || url.hash !== '') return { error: "hub.topic must be a feed's own URL, without a query or fragment: its first page is the topic" };
  const match = FEED.exec(path);
  if (!match) return { error: `hub.topic must be ${ours}` };
  const [, all, kind, rawSlug, format] = match;
  if (!feedFormats.includes(format as FeedFormat)) return { error: 'hub.topic must end in .rss, .atom or .json' };
  if (all) return { feedPath: '/feeds/all', format: format as FeedFormat };
  let slug: string;
  try {
    slug = decodeURIComponent(rawSlug ?? '');
  } catch {
    return { error: 'hub.topic has malformed percent-encoding' };
  }
  if (!existing) return { feedPath: `/feeds/${kind}/${kind === 'tags' ? encodeURIComponent(slug) : slug}`, format: format as FeedFormat };
  const found = feedOf(db, cfg.site, kind as FeedKind, slug);
  if (!found) return { error: `hub.topic: there is no ${kind === 'categories' ? 'category' : kind === 'sources' ? 'source' : 'tag'} ${JSON.stringify(slug.slice(0, 100))}` };
  return { feedPath: found.spec.path, format: format as FeedFormat };
}

/** The topic's canonical URL: rel="self" of its deliveries. */
export function topicUrl(cfg: Readonly<Config>, topic: Topic): string {
  return `${cfg.site.baseUrl}${topic.feedPath}.${topic.format}`;
}

/** A topic's document as the public reads it now, with what a delivery sends beside it. */
export interface TopicDocument {
  body: Buffer;
  contentType: string;
  /** `Link: <hub>; rel="hub", <topic>; rel="self"` (WebSub 7). */
  link: string;
  /** Hex SHA-256 of the body: a subscriber that took this document is not sent it again. */
  digest: string;
  /** When it must be rendered again though no content changed (an embargo ends, a tombstone goes). */
  expiresAt?: number;
}

/** The topic's document, or undefined when its feed no longer exists (a source removed, a tag no article has any more). */
export function renderTopic(ctx: Context, topic: Topic): TopicDocument | undefined {
  const found = feedAtPath(ctx.db, ctx.cfg.site, topic.feedPath);
  if (!found) return undefined;
  const rendered = renderFeedPage(ctx, found.filter, found.spec, topic.format);
  if ('error' in rendered) throw new Error(`hub: the first page of ${topic.feedPath} could not be read: ${rendered.error}`);
  const body = Buffer.from(rendered.body, 'utf8');
  return {
    body,
    contentType: rendered.contentType,
    link: linkHeader(ctx.cfg.websub.hubUrl, topicUrl(ctx.cfg, topic)),
    digest: createHash('sha256').update(body).digest('hex'),
    expiresAt: rendered.expiresAt,
  };
}

type FeedKind = 'categories' | 'sources' | 'tags';

/** A stored topic's feed, found again by its path. */
function feedAtPath(db: Db, site: Config['site'], feedPath: string): { filter: FeedFilter; spec: FeedSpec } | undefined {
  if (feedPath === '/feeds/all') return { filter: { kind: 'all' }, spec: allFeed(site) };
  const match = /^\/feeds\/(categories|sources|tags)\/([^/]+)$/.exec(feedPath);
  if (!match) return undefined;
  return feedOf(db, site, match[1] as FeedKind, decodeURIComponent(match[2]!));
}

function feedOf(db: Db, site: Config['site'], kind: FeedKind, slug: string): { filter: FeedFilter; spec: FeedSpec } | undefined {
  if (kind === 'categories') {
    const category = findCategory(db, slug);
    return category && { filter: { kind: 'category', slug: category.slug }, spec: categoryFeed(site, category) };
  }
  if (kind === 'sources') {
    const source = findSourceBySlug(db, slug);
    return source && { filter: { kind: 'source', sourceId: source.id }, spec: sourceFeed(site, source) };
  }
  const tag = findTag(db, slug);
  return tag && { filter: { kind: 'tag', slug: tag.slug }, spec: tagFeed(site, { slug: tag.slug, label: tag.label }) };
}
