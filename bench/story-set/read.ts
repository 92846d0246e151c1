// What wirefeed shows of the set, read over HTTP as any client would: each
// source's JSON feed (every page) to find our id of each labelled URL, each
// article's JSON for its related stories, and /feeds/all.json (every page)
// for what the aggregate feed shows.
import type { StorySet } from './set.js';

export interface ShownLink {
  /** The labelled id of the target, or the URL when it is none of the set's articles. */
  target: string;
  kind: string;
}

export interface Observation {
  /** Labelled id → related links in the order listed. */
  related: Map<string, ShownLink[]>;
  /** Labelled ids of the items /feeds/all shows, in order (unknown items by their URL). */
  allItems: string[];
  /** Labelled articles no source feed showed. */
  missing: string[];
}

interface JsonFeedPage {
  next_url?: string;
  items: { id: string; url: string }[];
}

interface ArticleJson {
  url: string;
  related: { id: string | null; url: string; kind: string }[];
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`story-set: GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Every item of a paged JSON feed; next_url is absolute on the configured base, so only its path is followed. */
async function allPages(base: string, path: string): Promise<JsonFeedPage['items']> {
  const items: JsonFeedPage['items'] = [];
  let next: string | undefined = `${path}?limit=200`;
  while (next) {
    const page: JsonFeedPage = await getJson<JsonFeedPage>(base, next);
    items.push(...page.items);
    next = page.next_url ? new URL(page.next_url).pathname + new URL(page.next_url).search : undefined;
  }
  return items;
}

const articlePath = (itemId: string) => new URL(itemId).pathname;

export async function observe(base: string, set: StorySet): Promise<Observation> {
  const labelByUrl = new Map(set.articles.map((a) => [a.url, a.id]));
  // Our article path (/articles/N) of each labelled id, and back.
  const pathOf = new Map<string, string>();
  for (const source of set.sources) {
    for (const item of await allPages(base, `/feeds/sources/${source.slug}.json`)) {
      const label = labelByUrl.get(item.url);
      if (label) pathOf.set(label, articlePath(item.id));
    }
  }
  const labelByPath = new Map([...pathOf].map(([label, path]) => [path, label]));
  const nameOf = (id: string | null, url: string) => (id ? labelByPath.get(articlePath(id)) : undefined) ?? labelByUrl.get(url) ?? url;

  const related = new Map<string, ShownLink[]>();
  for (const [label, path] of pathOf) {
    const article = await getJson<ArticleJson>(base, `${path}.json`);
    related.set(
      label,
      article.related.map((r) => ({ target: nameOf(r.id, r.url), kind: r.kind })),
    );
  }
  const allItems = (await allPages(base, '/feeds/all.json')).map((i) => nameOf(i.id, i.url));
  return { related, allItems, missing: set.articles.filter((a) => !pathOf.has(a.id)).map((a) => a.id) };
}
