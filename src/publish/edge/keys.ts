// Surrogate keys: the names of what a public answer was built from, sent in
// its `Surrogate-Key` header (Fastly's name; Varnish's xkey reads the same
// space-separated list), so that a cache in front can drop exactly the
// answers a change touched. The triggers of 018_changed_keys.sql queue the
// same names when the change is committed.
//
// - `all`: every list of everything (/feeds/all, the front page, search,
//   the directories): any change to any article moves them.
// - `category/{slug}`, `source/{id}`, `tag/{slug}`: that list's answers.
// - `article/{id}`: every answer that shows the article: its page and JSON,
//   and each list it is in, so that a correction or withdrawal reaches them
//   all, whichever list they are.
// Keys are ASCII without spaces (a tag slug may be any letters: it is
// percent-encoded), so they travel in a header and match as whole words.
import type { FeedFilter } from '../../store/articles/feeds.js';

export const allKey = 'all';

export function articleKey(id: number): string {
  return `article/${id}`;
}

/** The key of a list of stories: a search matches anything, so it goes with everything. */
export function listKey(filter: FeedFilter): string {
  switch (filter.kind) {
    case 'all':
    case 'search':
      return allKey;
    case 'category':
      return `category/${encodeURIComponent(filter.slug)}`;
    case 'source':
      return `source/${filter.sourceId}`;
    case 'tag':
      return `tag/${encodeURIComponent(filter.slug)}`;
  }
}

/** The Surrogate-Key value of a list's answer: the list and every story it shows. */
export function listKeys(filter: FeedFilter, items: readonly { id: number }[]): string {
  return [listKey(filter), ...items.map((item) => articleKey(item.id))].join(' ');
}

/** A key as the triggers queue it (`tag/москва`) in the form answers carry (`tag/%D0%BC…`). */
export function encodeQueuedKey(queued: string): string {
  const slash = queued.indexOf('/');
  if (slash < 0) return queued;
  return `${queued.slice(0, slash)}/${encodeURIComponent(queued.slice(slash + 1))}`;
}
