// How an OPML list (read by opml.ts) maps onto our sources: which feeds are
// added, which update a stored source, which are skipped and why, and which
// of the list's category names match none of ours.
import type { Category } from '../model.js';
import type { OpmlFeed } from './opml.js';
import type { ExistingSource, ImportedSource } from '../store/source-admin.js';

export interface SkippedFeed {
  name: string;
  url?: string;
  reason: string;
}

export interface ImportPlan {
  add: ImportedSource[];
  /** Sources already stored with the same URL: slug kept, the rest taken from the list. */
  update: ImportedSource[];
  skip: SkippedFeed[];
  /** Category and folder names that match no configured category, each once. */
  ignoredCategories: string[];
}

/**
 * Maps the feeds of a list onto sources. A feed whose URL a stored source
 * has updates that source; a source the config file manages is left to the
 * config file, since the next start would undo the change anyway.
 */
export function planImport(feeds: readonly OpmlFeed[], taxonomy: readonly Category[], existing: readonly ExistingSource[]): ImportPlan {
  const plan: ImportPlan = { add: [], update: [], skip: [], ignoredCategories: [] };
  const stored = new Map(existing.map((s) => [httpUrl(s.url) ?? s.url, s]));
  const taken = new Set(existing.map((s) => s.slug));
  const seen = new Set<string>();
  const ignored = new Map<string, string>();
  for (const feed of feeds) {
    const url = httpUrl(feed.xmlUrl);
    const name = feed.name ?? (url ? new URL(url).host : feed.xmlUrl) ?? '(untitled)';
    const skip = (reason: string) => plan.skip.push({ name, url: feed.xmlUrl, reason });
    // A list exported from here names the config file's sources too, local files among them: they are there already.
    const configured = feed.xmlUrl === undefined ? undefined : stored.get(url ?? feed.xmlUrl);
    if (configured?.origin === 'config' && configured.enabled) {
      skip(`already in the config file as "${configured.slug}"`);
      continue;
    }
    if (!url) {
      skip(feed.xmlUrl ? 'not an http(s) URL' : 'no xmlUrl');
      continue;
    }
    if (seen.has(url)) {
      skip('listed twice');
      continue;
    }
    seen.add(url);
    const match = stored.get(url);
    const source: ImportedSource = {
      slug: match?.slug ?? uniqueSlug(sourceSlug(name, url), taken),
      name,
      url,
      siteUrl: httpUrl(feed.htmlUrl),
      categories: matchCategories(feed.categories, taxonomy, ignored),
    };
    taken.add(source.slug);
    (match ? plan.update : plan.add).push(source);
  }
  plan.ignoredCategories = [...ignored.values()];
  return plan;
}

/**
 * The slugs of the configured categories whose slug or label the names are
 * (case-insensitive), in the taxonomy's order as classify keeps it; the other
 * names go into `ignored`, keyed by their lower case.
 */
function matchCategories(names: readonly string[], taxonomy: readonly Category[], ignored: Map<string, string>): string[] {
  const found = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    const match = taxonomy.find((c) => c.slug.toLowerCase() === key || c.label.toLowerCase() === key);
    if (match) found.add(match.slug);
    else if (!ignored.has(key)) ignored.set(key, name);
  }
  return taxonomy.map((c) => c.slug).filter((s) => found.has(s));
}

/** "Le Café du Port" → "le-cafe-du-port": the slug rule of the config file (a-z, 0-9, dashes). */
export function sourceSlug(name: string, url: string): string {
  const slug = (value: string) =>
    value
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 60)
      .replace(/^-+|-+$/g, '');
  // A name in another script has no a-z letters: the feed's host names it instead.
  return slug(name) || slug(new URL(url).host) || 'feed';
}

function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}
