// A development copy of the story set made from the older labelled set
// (test/fixtures/relatedness.json, 62 articles): for working on the harness
// before the real article files exist, and for its own test. Its same_story
// lists become events, its threads threads; its four sources are spread over
// the six of sources.json so that no event has two versions from one source.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArticleFile, SetArticle } from './set.js';

interface OldArticle {
  id: string;
  source: string;
  url: string;
  title: string;
  summary: string;
  categories: string[];
  published: string;
  thread: string;
}

interface OldSet {
  articles: OldArticle[];
  same_story: string[][];
  aliases: Record<string, string[]>;
}

// Distinct old sources map to disjoint new ones, so a story's versions stay apart.
const sourceMap: Record<string, [string, string]> = {
  'wire-a': ['harbour-post', 'valley-courier'],
  'wire-b': ['northline-wire', 'metro-bulletin'],
  'wire-c': ['daily-ledger', 'daily-ledger'],
  desk: ['civic-radio', 'civic-radio'],
};

export function convertRelatedness(old: OldSet): ArticleFile {
  const eventOf = new Map<string, string>();
  old.same_story.forEach((group, i) => group.forEach((id) => eventOf.set(id, `e${i + 1}`)));
  const articles: SetArticle[] = old.articles.map((a, i) => ({
    id: a.id,
    source: sourceMap[a.source]?.[i % 2] ?? 'harbour-post',
    url: a.url,
    title: a.title,
    summary: a.summary,
    body: `${a.summary}\n\nMore on this story as it develops.`,
    author: `Staff of ${a.source}`,
    categories: a.categories,
    published: a.published,
    thread: a.thread === 'none' ? null : a.thread,
    event: eventOf.get(a.id) ?? `e-${a.id}`,
  }));
  const threads = [...new Set(articles.flatMap((a) => (a.thread ? [a.thread] : [])))].sort().map((id) => ({ id, subject: id }));
  return { about: 'Development copy converted from test/fixtures/relatedness.json', threads, aliases: old.aliases, articles };
}

/** Writes sources.json (copied from `sourcesJson`) and dev.json into `dir`; returns `dir`. */
export function writeDevelopmentSet(relatednessPath: string, sourcesJson: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sources.json'), readFileSync(sourcesJson));
  const converted = convertRelatedness(JSON.parse(readFileSync(relatednessPath, 'utf8')) as OldSet);
  writeFileSync(join(dir, 'dev.json'), `${JSON.stringify(converted, null, 2)}\n`);
  return dir;
}
