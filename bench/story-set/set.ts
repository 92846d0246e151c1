// The labelled story set (test/fixtures/story-set/): its sources, and the
// articles of every other JSON file in the folder, merged. Each article is
// labelled with its event (one happening: same event, same story) and its
// thread (a subject followed over days: same thread, related).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface SetSource {
  slug: string;
  name: string;
  format: FeedFormat;
}

export interface SetArticle {
  id: string;
  source: string;
  url: string;
  title: string;
  summary: string;
  /** Plain text, paragraphs separated by blank lines. */
  body: string;
  author: string;
  categories: string[];
  /** RFC 3339. */
  published: string;
  thread: string | null;
  event: string;
}

export interface ArticleFile {
  about?: string;
  threads: { id: string; subject: string }[];
  aliases: Record<string, string[]>;
  articles: SetArticle[];
}

export interface StorySet {
  sources: SetSource[];
  threads: { id: string; subject: string }[];
  aliases: Record<string, string[]>;
  articles: SetArticle[];
}

/** Reads sources.json and every other *.json in `dir`; throws naming the file when an article is malformed. */
export function loadStorySet(dir: string): StorySet {
  const { sources } = JSON.parse(readFileSync(join(dir, 'sources.json'), 'utf8')) as { sources: SetSource[] };
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'sources.json')
    .sort();
  const set: StorySet = { sources, threads: [], aliases: {}, articles: [] };
  for (const file of files) {
    const part = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ArticleFile;
    set.threads.push(...(part.threads ?? []));
    for (const [name, aliases] of Object.entries(part.aliases ?? {})) {
      set.aliases[name] = [...new Set([...(set.aliases[name] ?? []), ...aliases])];
    }
    set.articles.push(...part.articles);
  }
  checkSet(set, dir);
  return set;
}

/** Ids unique, sources known, dates readable and past: a labelling slip would otherwise show as a bad score. */
function checkSet(set: StorySet, dir: string): void {
  const slugs = new Set(set.sources.map((s) => s.slug));
  const seen = new Set<string>();
  for (const a of set.articles) {
    if (seen.has(a.id)) throw new Error(`story-set: ${dir}: article id ${a.id} appears twice`);
    seen.add(a.id);
    if (!slugs.has(a.source)) throw new Error(`story-set: ${dir}: article ${a.id} names unknown source ${a.source}`);
    if (Number.isNaN(Date.parse(a.published))) throw new Error(`story-set: ${dir}: article ${a.id} has a bad date ${a.published}`);
    // Ingest takes a date in the future as the time it read the item: every such article would seem published at
    // once, and the scores would measure nothing about time.
    if (Date.parse(a.published) > Date.now()) throw new Error(`story-set: ${dir}: article ${a.id} is dated in the future (${a.published})`);
  }
}

/** What the set holds, for the report's first lines. */
export function setSize(set: StorySet) {
  const events = new Map<string, number>();
  for (const a of set.articles) events.set(a.event, (events.get(a.event) ?? 0) + 1);
  return {
    articles: set.articles.length,
    sources: set.sources.length,
    formats: [...new Set(set.sources.map((s) => s.format))].sort(),
    threads: new Set(set.articles.flatMap((a) => (a.thread ? [a.thread] : []))).size,
    events: events.size,
    sameStoryGroups: [...events.values()].filter((n) => n >= 2).length,
  };
}
