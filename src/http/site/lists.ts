// Which list of stories a page (or a feed preview) shows: everything, a
// category, a source, a tag or a search, looked up as the feed routes look
// them up (feeds.ts), with the feed that carries the same list.
import type { Context } from '../../context.js';
import { feedUrls, type PageFeed } from '../../pages/html.js';
import { allFeed, categoryFeed, searchFeed, sourceFeed, tagFeed } from '../../publish/catalog.js';
import type { FeedFilter } from '../../store/articles/feeds.js';
import { matchExpression } from '../../store/articles/search.js';
import { findCategory } from '../../store/categories.js';
import { findSourceBySlug } from '../../store/sources.js';
import { findTag } from '../../store/tags.js';

export type ListKind = 'all' | 'categories' | 'sources' | 'tags' | 'search';

export interface StoryList {
  filter: FeedFilter;
  feed: PageFeed;
  /** "Category", "Source" … */
  kind: string;
  heading: string;
  description: string;
  /** The HTML page of the list (root-relative), and the query that names it (search's q). */
  page: string;
  query?: Record<string, string>;
  /** A source's own site. */
  siteUrl?: string;
}

const MAX_QUERY_LENGTH = 256;
const UNTYPABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/;

/**
 * The list, or a message saying why there is none: `notFound` (an unknown
 * slug, or a category a partner's key does not reach) or `bad` (a query that
 * cannot be searched, with the same words the search feed uses).
 */
export function findList(
  ctx: Context,
  root: string,
  kind: ListKind,
  slug: string,
  q: unknown,
  within: readonly string[],
): StoryList | { notFound: string } | { bad: string } {
  const site = ctx.cfg.site;
  const base = site.baseUrl;
  const urls = (path: string, query = '') => feedUrls(base, path, query);
  switch (kind) {
    case 'all': {
      const spec = allFeed(site);
      return { filter: { kind: 'all' }, feed: { title: spec.title, urls: urls(spec.path) }, kind: 'Everything', heading: 'All stories', description: spec.description, page: `${root}/` };
    }
    case 'categories': {
      const category = findCategory(ctx.db, slug);
      if (!category || (within.length > 0 && !within.includes(category.slug))) return { notFound: `no category "${slug}"` };
      const spec = categoryFeed(site, category);
      return {
        filter: { kind: 'category', slug: category.slug },
        feed: { title: spec.title, urls: urls(spec.path) },
        kind: 'Category',
        heading: category.label,
        description: spec.description,
        page: `${root}/categories/${encodeURIComponent(category.slug)}`,
      };
    }
    case 'sources': {
      const source = findSourceBySlug(ctx.db, slug);
      if (!source) return { notFound: `no source "${slug}"` };
      const spec = sourceFeed(site, source);
      return {
        filter: { kind: 'source', sourceId: source.id },
        feed: { title: spec.title, urls: urls(spec.path) },
        kind: 'Source',
        heading: source.name,
        description: spec.description,
        page: `${root}/sources/${encodeURIComponent(source.slug)}`,
        siteUrl: source.siteUrl,
      };
    }
    case 'tags': {
      const tag = findTag(ctx.db, slug);
      if (!tag) return { notFound: `no tag "${slug}"` };
      const spec = tagFeed(site, tag);
      return {
        filter: { kind: 'tag', slug: tag.slug },
        feed: { title: spec.title, urls: urls(spec.path) },
        kind: 'Tag',
        heading: tag.label,
        description: spec.description,
        page: `${root}/tags/${encodeURIComponent(tag.slug)}`,
      };
    }
    case 'search': {
      const checked = searchQuery(q);
      if ('bad' in checked) return checked;
      const spec = searchFeed(site, checked.query);
      const query = { q: checked.query };
      return {
        filter: { kind: 'search', match: checked.match, window: ctx.cfg.publish.searchWindow },
        feed: { title: spec.title, urls: urls(spec.path, `?${new URLSearchParams(query)}`) },
        kind: 'Search',
        heading: `Search: ${checked.query}`,
        description: spec.description,
        page: `${root}/search`,
        query,
      };
    }
  }
}

/** The query, checked as the search feed checks it (http/feeds.ts). */
export function searchQuery(q: unknown): { query: string; match: string } | { bad: string } {
  if (q !== undefined && typeof q !== 'string') return { bad: 'q must be given once' };
  const query = q?.trim() ?? '';
  if (query === '') return { bad: 'Type a word to search for.' };
  if (query.length > MAX_QUERY_LENGTH) return { bad: `A search can be at most ${MAX_QUERY_LENGTH} characters long.` };
  if (UNTYPABLE.test(query)) return { bad: 'A search cannot contain control characters.' };
  const match = matchExpression(query);
  if (match === undefined) return { bad: 'A search needs a word (letters or digits) to look for.' };
  return { query, match };
}
