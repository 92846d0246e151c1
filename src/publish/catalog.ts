// Every feed we publish, named once: its path, title and description, for
// the feed routes, the HTML index and the OPML list alike.
import type { Config } from '../config.js';
import type { Category } from '../model.js';
import type { FeedSpec } from './document.js';

type Site = Config['site'];

export function allFeed(site: Site): FeedSpec {
  return { path: '/feeds/all', title: site.title, description: site.description };
}

export function categoryFeed(site: Site, category: Category): FeedSpec {
  return {
    path: `/feeds/categories/${category.slug}`,
    title: `${site.title}: ${category.label}`,
    description: `${category.label} stories from ${site.title}`,
  };
}

export function sourceFeed(site: Site, source: { slug: string; name: string }): FeedSpec {
  return {
    path: `/feeds/sources/${source.slug}`,
    title: `${site.title}: ${source.name}`,
    description: `Stories from ${source.name}, via ${site.title}`,
  };
}

/** Tag slugs may hold any letter ("москва"), so the path is percent-encoded. */
export function tagFeed(site: Site, tag: Category): FeedSpec {
  return {
    path: `/feeds/tags/${encodeURIComponent(tag.slug)}`,
    title: `${site.title}: ${tag.label} (tag)`,
    description: `Stories tagged "${tag.label}" from ${site.title}`,
  };
}

export function searchFeed(site: Site, query: string): FeedSpec {
  return {
    path: '/feeds/search',
    title: `Search: ${query}`,
    description: `Stories from ${site.title} matching "${query}", best match first`,
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
    { heading: 'Categories', feeds: lists.categories.map((c) => ({ spec: categoryFeed(site, c), name: c.label, htmlUrl: home })) },
    { heading: 'Sources', feeds: lists.sources.map((s) => ({ spec: sourceFeed(site, s), name: s.name, htmlUrl: s.siteUrl ?? home })) },
    { heading: 'Tags', feeds: lists.tags.map((t) => ({ spec: tagFeed(site, t), name: t.label, htmlUrl: home })) },
  ];
}
