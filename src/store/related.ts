// Reads and writes for computed related stories and same-story clusters.
// Candidates come from the full-text index (003_search.sql) restricted to a
// time window, so that relating one article costs the same whatever the
// size of the archive.
import { type Db, prepared } from './db.js';

export interface RelateSubject {
  id: number;
  url: string;
  title: string;
  summary: string;
  publishedAt: number;
  sourceId: number;
  storyId: number | null;
}

export interface Candidate extends RelateSubject {
  /** Text similarity: BM25 over title (weighted) and summary, higher is closer. */
  text: number;
  sharedTags: number;
  sharedCategories: number;
}

const SUBJECT_COLUMNS = `a.id, a.url, a.title, a.summary, a.published_at AS publishedAt, a.source_id AS sourceId, a.story_id AS storyId`;

export function findRelateSubject(db: Db, id: number): RelateSubject | undefined {
  return prepared(db, `SELECT ${SUBJECT_COLUMNS} FROM articles a WHERE a.id = ?`).get(id) as RelateSubject | undefined;
}

/**
 * The best text matches of `match` (an FTS5 query) published in [from, to],
 * best first. The rowid bound lets FTS5 skip every article stored before the
 * window opened.
 */
export function findCandidates(db: Db, subject: RelateSubject, match: string, window: Window, limit: number): Candidate[] {
  const { from, to, minId } = window;
  const found = prepared(db, 
      `SELECT ${SUBJECT_COLUMNS}, -bm25(article_search, 3.0, 1.0, 0.0) AS text
       FROM article_search JOIN articles a ON a.id = article_search.rowid
       WHERE article_search MATCH @match AND article_search.rowid >= @minId AND article_search.rowid != @id
         AND a.published_at BETWEEN @from AND @to
       ORDER BY bm25(article_search, 3.0, 1.0, 0.0) LIMIT @limit`,
    )
    .all({ id: subject.id, match, minId, from, to, limit }) as Omit<Candidate, 'sharedTags' | 'sharedCategories'>[];
  if (found.length === 0) return [];
  // Shared tags and categories, counted for the few candidates kept only.
  const ids = found.map((c) => c.id);
  const marks = ids.map(() => '?').join(',');
  const tags = new Map(
    db
      .prepare(
        `SELECT t.article_id, count(*) FROM article_tags t JOIN article_tags mine ON mine.slug = t.slug AND mine.article_id = ?
         WHERE t.article_id IN (${marks}) GROUP BY t.article_id`,
      )
      .raw()
      .all(subject.id, ...ids) as [number, number][],
  );
  const categories = new Map(
    db
      .prepare(
        `SELECT c.article_id, count(*) FROM article_categories c JOIN article_categories mine
           ON mine.category_slug = c.category_slug AND mine.article_id = ?
         WHERE c.article_id IN (${marks}) GROUP BY c.article_id`,
      )
      .raw()
      .all(subject.id, ...ids) as [number, number][],
  );
  return found.map((c) => ({ ...c, sharedTags: tags.get(c.id) ?? 0, sharedCategories: categories.get(c.id) ?? 0 }));
}

export interface Window {
  /** Publication times, inclusive. */
  from: number;
  to: number;
  /** The first article id that can be in the window. */
  minId: number;
}

/**
 * The window [from, to] with the id it starts at: an article published
 * since `from` was stored since then too, and ids grow with the time of
 * storing (an hour of slack covers writers in other processes).
 */
export function windowFrom(db: Db, from: number, to: number, subjectId: number): Window {
  const minId = prepared(db, 'SELECT id FROM articles WHERE first_seen_at >= ? ORDER BY first_seen_at LIMIT 1')
    .pluck()
    .get(from - 3_600_000) as number | undefined;
  // However busy the window, only the most recent articles are compared: the
  // cost of relating one article has a ceiling, whatever the archive's size.
  return { from, to, minId: Math.max(minId ?? subjectId, subjectId - MAX_WINDOW_ARTICLES) };
}

const MAX_WINDOW_ARTICLES = 5_000;

export interface RelatedLink {
  url: string;
  title: string;
  score: number;
}

/** Replaces an article's related stories of one kind. */
export function replaceRelated(db: Db, articleId: number, kind: 'computed' | 'same-story', links: readonly RelatedLink[]): void {
  prepared(db, 'DELETE FROM related WHERE article_id = ? AND kind = ?').run(articleId, kind);
  const insert = prepared(db, 'INSERT INTO related (article_id, kind, position, url, title, score) VALUES (?, ?, ?, ?, ?, ?)');
  links.forEach((l, i) => insert.run(articleId, kind, i, l.url, l.title, l.score));
}

export function listComputed(db: Db, articleId: number): RelatedLink[] {
  return prepared(db, "SELECT url, title, score FROM related WHERE article_id = ? AND kind = 'computed' ORDER BY position")
    .all(articleId) as RelatedLink[];
}

/** The members of a story: its first article and those that joined it. */
export function listStoryMembers(db: Db, storyId: number): RelateSubject[] {
  return prepared(db, `SELECT ${SUBJECT_COLUMNS} FROM articles a WHERE a.id = ? OR a.story_id = ? ORDER BY a.published_at, a.id`)
    .all(storyId, storyId) as RelateSubject[];
}

/** Makes the first member the story's face (story_id NULL) and the others point at it. */
export function setStory(db: Db, members: readonly RelateSubject[]): void {
  const [first, ...rest] = members;
  if (!first) return;
  const update = prepared(db, 'UPDATE articles SET story_id = ? WHERE id = ? AND story_id IS NOT ?');
  update.run(null, first.id, null);
  for (const m of rest) update.run(first.id, m.id, first.id);
}

/**
 * How many articles stored since the window opened contain each word,
 * counted up to `cap` + 1 and no further: the cost of asking is bounded
 * however common a word is (fts5vocab would count every occurrence).
 */
export function windowFrequencies(db: Db, words: readonly string[], minId: number, cap: number): Map<string, number> {
  // Newest first, so that FTS5 reads each word's list from its recent end
  // and stops after `cap` + 1 entries, however long the list is.
  const count = prepared(
    db,
    'SELECT count(*) FROM (SELECT rowid FROM article_search WHERE article_search MATCH ? ORDER BY rowid DESC LIMIT ?) WHERE rowid >= ?',
  ).pluck();
  return new Map(words.map((w) => [w, count.get(`"${w}"`, cap + 1, minId) as number]));
}
