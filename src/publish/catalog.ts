// Every feed we publish, named once: its path, title and description, for
// the feed routes, the HTML index and the OPML list alike. Titles are made
// of stored names (a category's label, a source's name, a tag's label) and
// of search queries: what XML cannot carry is left out of them
// (renderable.ts), so that one bad name breaks no feed and no OPML list.
import type { Config } from '../config/config.js';
import type { Category } from '../model.js';
import type { FeedSpec } from './document.js';
import { isHttpUrl, xmlSafeText } from './renderable.js';

type Site = Config['site'];

export function allFeed(site: Site): FeedSpec {
  return { path: '/feeds/all', title: site.title, description: site.description };
}

export function categoryFeed(site: Site, category: Category): FeedSpec {
  const label = xmlSafeText(category.label);
  return {
    path: `/feeds/categories/${category.slug}`,
    title: `${site.title}: ${label}`,
    description: `${label} stories from ${site.title}`,
  };
}

export function sourceFeed(site: Site, source: { slug: string; name: string }): FeedSpec {
  const name = xmlSafeText(source.name);
  return {
    path: `/feeds/sources/${source.slug}`,
    title: `${site.title}: ${name}`,
    description: `Stories from ${name}, via ${site.title}`,
  };
}

/** Tag slugs may hold any letter ("москва"), so the path is percent-encoded. */
export function tagFeed(site: Site, tag: Category): FeedSpec {
  const label = xmlSafeText(tag.label);
  return {
    path: `/feeds/tags/${encodeURIComponent(tag.slug)}`,
    title: `${site.title}: ${label} (tag)`,
    description: `Stories tagged "${label}" from ${site.title}`,
  };
}

export function searchFeed(site: Site, query: string): FeedSpec {
  const words = xmlSafeText(query);
  return {
    path: '/feeds/search',
    title: `Search: ${words}`,
    description: `Stories from ${site.title} matching "${words}", best match first`,
    params: { q: query },
  };
}

export interface CatalogGroup {
  heading: string;
  feeds: { spec: FeedSpec; name: string; htmlUrl: string }[];
}

/** The feeds of the index and the OPML list, in groups: everything, categories, sources, tags. */
export function catalog(
  site: Site,
  lists: { categories: Category[]; sources: { slug: string; name: string; siteUrl?: string }[]; tags: Category[] },
): CatalogGroup[] {
  const home = `${site.baseUrl}/`;
  return [
    { heading: 'Everything', feeds: [{ spec: allFeed(site), name: 'All stories', htmlUrl: home }] },
    { heading: 'Categories', feeds: lists.categories.map((c) => ({ spec: categoryFeed(site, c), name: xmlSafeText(c.label), htmlUrl: home })) },
    {
      heading: 'Sources',
      feeds: lists.sources.map((s) => ({ spec: sourceFeed(site, s), name: xmlSafeText(s.name), htmlUrl: isHttpUrl(s.siteUrl) ? s.siteUrl : home })),
    },
    { heading: 'Tags', feeds: lists.tags.map((t) => ({ spec: tagFeed(site, t), name: xmlSafeText(t.label), htmlUrl: home })) },
  ];
}
