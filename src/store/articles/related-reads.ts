// The related lists of articles as published: the stored links of every
// kind, resolved to our articles, in order, each story once, with editors'
// edits (related-edits.ts) applied. One query for the links and one for the
// edits, for all the articles read (never a query per item).
import type { Related, RelatedKind } from '../../model.js';
import type { Db } from '../db/db.js';
import { storedEvidence } from './evidence.js';
import { ARTICLE_REF } from './related.js';

interface LinkRow {
  article_id: number;
  /** The stored URL: the identity that says whether two links name one story. */
  ref: string;
  url: string;
  kind: RelatedKind;
  target_id: number | null;
  title: string | null;
  score: number | null;
  evidence: string | null;
  /** The story of the link's target (its first article's id) and of the article listing it. */
  target_story: number | null;
  own_story: number;
}

/** Suggested links (follow-up and computed) shown per article: the best, one per story. */
const SUGGESTED = 3;

interface EditRow {
  article_id: number;
  action: 'pin' | 'remove';
  target_id: number;
  url: string;
  /** The target's URL is its feed's page: it names no story, so it matches links only by id. */
  url_fallback: number;
  title: string;
}

/**
 * Each article's related stories, by article id; none that is published
 * after `asOf` (ms), so no list gives away an embargoed story early.
 */
export function relatedOf(db: Db, ids: readonly number[], asOf = Date.now()): Map<number, Related[]> {
  const links = groupBy(readLinks(db, ids, asOf));
  const edits = groupBy(readEdits(db, ids, asOf));
  const lists = new Map<number, Related[]>();
  for (const id of ids) {
    // A story reached in several ways is listed once, the first way.
    const stored = (links.get(id) ?? []).filter((x, i, all) => all.findIndex((y) => y.ref === x.ref) === i);
    lists.set(id, applyEdits(suggestedOnce(stored).map(published), edits.get(id) ?? []));
  }
  return lists;
}

/**
 * A related link resolves to the oldest article we hold (and have not
 * withdrawn) with that URL as its own; one naming an article by its id
 * (ARTICLE_REF: it has no URL of its own) to that article, and is shown with
 * the page that stands in for its link, or left out once it is withdrawn.
 * A link whose target is one of ours not yet published (under embargo) is
 * left out whatever its kind: its URL and title would name the story.
 * Order: other versions of the story, the article's own links, the later
 * stories of its thread (newest first), then earlier ones found by
 * similarity.
 */
function readLinks(db: Db, ids: readonly number[], asOf: number): LinkRow[] {
  return db
    .prepare(
      `SELECT r.article_id, r.url AS ref, coalesce(CASE WHEN r.url LIKE '${ARTICLE_REF}%' THEN t.url END, r.url) AS url, r.kind,
         t.id AS target_id, coalesce(r.title, t.title) AS title, r.score, r.evidence,
         coalesce(t.story_id, t.id) AS target_story, (SELECT coalesce(story_id, id) FROM articles WHERE id = r.article_id) AS own_story
       FROM related r LEFT JOIN articles t ON t.id = CASE WHEN r.url LIKE '${ARTICLE_REF}%'
           THEN (SELECT id FROM articles WHERE id = CAST(substr(r.url, ${ARTICLE_REF.length + 1}) AS INTEGER) AND withdrawn_at IS NULL)
           ELSE (SELECT min(id) FROM articles WHERE url = r.url AND url_fallback = 0 AND withdrawn_at IS NULL) END
       WHERE r.article_id IN (${marks(ids)}) AND (t.id IS NOT NULL OR r.url NOT LIKE '${ARTICLE_REF}%') AND (t.id IS NULL OR t.published_at <= ?)
       ORDER BY r.article_id, CASE r.kind WHEN 'same-story' THEN 0 WHEN 'explicit' THEN 1 WHEN 'follow-up' THEN 2 ELSE 3 END,
         CASE WHEN r.kind = 'follow-up' THEN -t.published_at END, r.position`,
    )
    .all(...ids, asOf) as LinkRow[];
}

/** Edits of the articles, pins in the order they were made; only published targets. */
function readEdits(db: Db, ids: readonly number[], asOf: number): EditRow[] {
  return db
    .prepare(
      `SELECT e.article_id, e.action, t.id AS target_id, t.url, t.url_fallback, t.title
       FROM related_edits e JOIN articles t ON t.id = e.target_id AND t.withdrawn_at IS NULL AND t.published_at <= ?
       WHERE e.article_id IN (${marks(ids)}) ORDER BY e.article_id, e.created_at, e.target_id`,
    )
    .all(asOf, ...ids) as EditRow[];
}

/**
 * The article's links with the suggested ones (follow-up, computed) cut to
 * the SUGGESTED best by score, none of its own story, none of a story it
 * links to otherwise, and one per other story (relate keeps more than it
 * shows for this); follow-ups stay first.
 */
function suggestedOnce(links: readonly LinkRow[]): LinkRow[] {
  const suggested = (x: LinkRow) => x.kind === 'follow-up' || x.kind === 'computed';
  // A story the article already links to itself (explicit) is not suggested again.
  const stories = new Set(links.filter((x) => !suggested(x) && x.target_story !== null).map((x) => x.target_story!));
  const shown = new Set(
    links
      .filter(suggested)
      .sort((a, b) => (b.score ?? 0) - (a.score ?? 0))
      .filter((x) => {
        if (x.target_story === null) return true;
        if (x.target_story === x.own_story || stories.has(x.target_story)) return false;
        stories.add(x.target_story);
        return true;
      })
      .slice(0, SUGGESTED),
  );
  return links.filter((x) => !suggested(x) || shown.has(x));
}

function published(x: LinkRow): Related {
  const evidence = storedEvidence(x.evidence);
  return {
    articleId: x.target_id ?? undefined,
    url: x.url,
    title: x.title ?? x.url,
    kind: x.kind,
    // A score SQLite holds as infinity (or one written by hand as text) is no score.
    ...(typeof x.score === 'number' && Number.isFinite(x.score) ? { score: x.score } : {}),
    ...(evidence ? { evidence } : {}),
  };
}

/**
 * A removed target leaves the list, whatever its kind. A pinned one is
 * listed first among the article's own links, as 'explicit' and pinned,
 * keeping the score and evidence of any link relate had found to it; a
 * version of the same story stays where it is, pinned, since the feeds
 * group the two as one story anyway.
 */
function applyEdits(list: Related[], edits: readonly EditRow[]): Related[] {
  if (edits.length === 0) return list;
  const names = (r: Related, e: EditRow) => r.articleId === e.target_id || (!e.url_fallback && r.url === e.url);
  const removed = edits.filter((e) => e.action === 'remove');
  let kept = list.filter((r) => !removed.some((e) => names(r, e)));
  const pins: Related[] = [];
  for (const e of edits.filter((e) => e.action === 'pin')) {
    const found = kept.find((r) => names(r, e));
    if (found?.kind === 'same-story') {
      kept = kept.map((r) => (r === found ? { ...r, pinned: true } : r));
      continue;
    }
    kept = kept.filter((r) => r !== found);
    pins.push({
      articleId: e.target_id,
      url: e.url,
      title: e.title,
      kind: 'explicit',
      ...(found?.score !== undefined ? { score: found.score } : {}),
      ...(found?.evidence ? { evidence: found.evidence } : {}),
      pinned: true,
    });
  }
  const firstAfterStory = kept.findIndex((r) => r.kind !== 'same-story');
  const at = firstAfterStory === -1 ? kept.length : firstAfterStory;
  return [...kept.slice(0, at), ...pins, ...kept.slice(at)];
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(',');
}

function groupBy<T extends { article_id: number }>(rows: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.article_id);
    if (group) group.push(row);
    else groups.set(row.article_id, [row]);
  }
  return groups;
}
