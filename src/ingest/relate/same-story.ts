// Same story: the same event from several sources, found and recorded so
// that the feeds show it once. When an article arrives, the stories around
// it are worked out again from scratch: the reports reachable from it
// through pairs alike enough to share a story (similarity.ts), with every
// member of the stories they are in now, are clustered (stories.ts), and
// each story is written as it comes out. Since the clustering is a pure
// function of those reports, the stories do not depend on which of them
// was stored first, or in which batch.
import type { Db } from '../../store/db/db.js';
import { listStoryIds, replaceRelated, setStory, findStoryOf } from '../../store/articles/related.js';
import { listRemovedIds } from '../../store/articles/related-edits.js';
import { byTimeThenUrl, type IndexedArticle, type RelateIndex } from './index.js';
import { evidenceOf, rounded, sameStoryScore, STORY_HOURS } from './similarity.js';
import { clusterStories } from './stories.js';

/** The least average pair score of a story (similarity.ts); no different events merge on the story set for 0.20–0.35. */
export const STORY_THRESHOLD = 0.27;
/** How many reports are clustered at once at most: the cost of one article has a ceiling. */
const MAX_REGION = 16;
const STORY_MS = STORY_HOURS * 3_600_000;

/** Finds candidates for an article: held articles that share its distinctive words, within `withinMs`, best first. */
export type FindCandidates = (article: IndexedArticle, withinMs: number) => IndexedArticle[];

/** Works out again, and writes, the stories of the reports around `subject`. */
export function restory(db: Db, index: RelateIndex, subject: IndexedArticle, find: FindCandidates): void {
  const removed = new Map<number, Set<number>>();
  const removedOf = (id: number) => {
    let set = removed.get(id);
    if (!set) removed.set(id, (set = listRemovedIds(db, id)));
    return set;
  };
  // Each pair once: the search from each report meets the same pairs again, and clustering asks for them all.
  const scored = new Map<string, number>();
  const score = (a: IndexedArticle, b: IndexedArticle) => {
    const key = a.id < b.id ? `${a.id} ${b.id}` : `${b.id} ${a.id}`;
    let s = scored.get(key);
    if (s === undefined) {
      if (removedOf(a.id).has(b.id) || removedOf(b.id).has(a.id)) s = -Infinity;
      else if (a.sourceId !== b.sourceId && a.url === b.url) s = Infinity;
      else s = sameStoryScore(a, b);
      scored.set(key, s);
    }
    return s;
  };
  // Every member of a story in the region comes with it, past the cap too: a story worked out without some
  // of its members would leave them pointing at a first article that is no longer first, or in another story.
  const region = new Map<number, IndexedArticle>([[subject.id, subject]]);
  const queue = [subject];
  const add = (a: IndexedArticle | undefined) => {
    if (!a || region.has(a.id)) return;
    region.set(a.id, a);
    queue.push(a);
  };
  for (let next = queue.shift(); next; next = queue.shift()) {
    const article = next;
    for (const id of storyMembers(db, article.id)) add(index.get(id));
    if (region.size >= MAX_REGION) continue;
    // Its own search, not the subject's 30-day one cut to 72 hours: the best matches of a month crowd out some of three days.
    for (const c of find(article, STORY_MS)) if (score(article, c) >= STORY_THRESHOLD) add(c);
  }
  const reports = [...region.values()].sort(byTimeThenUrl);
  for (const story of clusterStories(reports, score, STORY_THRESHOLD)) writeStory(db, story, score);
}

/** The members of the story an article is in, itself included. */
function storyMembers(db: Db, id: number): number[] {
  const first = findStoryOf(db, id);
  return [first, ...listStoryIds(db, first)];
}

function writeStory(db: Db, story: readonly IndexedArticle[], score: (a: IndexedArticle, b: IndexedArticle) => number): void {
  setStory(db, story);
  for (const m of story) {
    const others = story.filter((o) => o !== m);
    replaceRelated(
      db,
      m.id,
      'same-story',
      others.map((o) => ({ url: o.url, title: o.title, score: rounded(score(m, o)), evidence: evidenceOf(m, o) })),
    );
  }
}
