// The story-set harness's scores (bench/story-set/metrics.ts) on small
// hand-made cases whose answers are worked out by hand.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { differences, pairsWithin, score, signatures, storyGroups } from '../../../bench/story-set/metrics.js';
import { orderPlan } from '../../../bench/story-set/orders.js';
import type { Observation, ShownLink } from '../../../bench/story-set/read.js';
import { loadStorySet, type SetArticle, type StorySet } from '../../../bench/story-set/set.js';

const article = (id: string, event: string, thread: string | null, source = 's1'): SetArticle => ({
  id,
  source,
  url: `https://x.example/${id}`,
  title: id,
  summary: id,
  body: id,
  author: 'A',
  categories: [],
  published: `2026-11-0${id.slice(1)}T00:00:00Z`,
  thread,
  event,
});

// Two stories of thread t (e1 told twice, e2 once), one of thread u, one on no thread.
const articles = [article('a1', 'e1', 't'), article('a2', 'e1', 't', 's2'), article('a3', 'e2', 't'), article('a4', 'e3', 'u'), article('a5', 'e4', null)];

const seen = (related: Record<string, ShownLink[]>, allItems: string[] = ['a1', 'a3', 'a4', 'a5']): Observation => ({
  related: new Map(articles.map((a) => [a.id, related[a.id] ?? []])),
  allItems,
  missing: [],
});
const computed = (target: string): ShownLink => ({ target, kind: 'computed' });

describe('story-set scores', () => {
  test('precision counts the first three suggested links; same-story and explicit ones are not suggestions', () => {
    const s = score(
      articles,
      seen({
        // a1: a3 right (thread), a4 wrong, a5 wrong; a fourth link is not shown.
        a1: [{ target: 'a2', kind: 'same-story' }, { target: 'a4', kind: 'explicit' }, computed('a3'), computed('a4'), computed('a5'), computed('a2')],
        // a3: a2 right, and a follow-up counts like a computed link.
        a3: [{ target: 'a2', kind: 'follow-up' }],
        // a5 has no thread: only its own event would be right.
        a5: [computed('a1')],
      }),
    );
    assert.equal(s.linksShown, 5);
    assert.equal(s.linksCorrect, 2);
    assert.equal(s.precisionAt3, 2 / 5);
  });

  test('recall@3 averages min(correct, 3) / min(3, thread-mates) over articles that have thread-mates', () => {
    const s = score(articles, seen({ a1: [computed('a2'), computed('a3')], a3: [computed('a1')] }));
    // a1: 2/2, a2: 0/2, a3: 1/2; a4 has no thread-mate, a5 no thread.
    assert.equal(s.recallAt3, (1 + 0 + 0.5) / 3);
  });

  test('a link to another version of the same event is right even without a thread', () => {
    const lone = [article('a1', 'e1', null), article('a2', 'e1', null, 's2')];
    const s = score(lone, { related: new Map([['a1', [computed('a2')]]]), allItems: [], missing: [] });
    assert.equal(s.precisionAt3, 1);
  });

  test('stories are joined over same-story links, whichever side lists them', () => {
    const groups = storyGroups(articles, seen({ a1: [{ target: 'a2', kind: 'same-story' }], a3: [{ target: 'a2', kind: 'same-story' }] }));
    assert.deepEqual(groups, [['a1', 'a2', 'a3'], ['a4'], ['a5']]);
  });

  test('same-story recall and false merges are counted in pairs', () => {
    const s = score(articles, seen({ a1: [{ target: 'a2', kind: 'same-story' }], a3: [{ target: 'a2', kind: 'same-story' }] }));
    assert.equal(s.sameStoryPairs, 1);
    assert.equal(s.sameStoryRecall, 1);
    assert.deepEqual(s.falseMerges, [
      ['a1', 'a3'],
      ['a2', 'a3'],
    ]);
  });

  test('nothing grouped: recall 0, no false merge', () => {
    const s = score(articles, seen({}));
    assert.equal(s.sameStoryRecall, 0);
    assert.deepEqual(s.falseMerges, []);
  });

  test('a same-story group shown twice in /feeds/all is a leak', () => {
    assert.deepEqual(score(articles, seen({})).leaks, []);
    const s = score(articles, seen({}, ['a1', 'a2', 'a3']));
    assert.deepEqual(s.leaks, [{ event: 'e1', shown: ['a1', 'a2'] }]);
    assert.equal(s.sameStoryGroups, 1);
    assert.equal(s.events, 4);
    assert.equal(s.allItems, 3);
  });

  test('pairs within groups', () => {
    assert.deepEqual(pairsWithin([['b', 'a', 'c'], ['d']]), [
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
  });

  test('orders differ when a related list is reordered, not when it is the same', () => {
    const first = signatures(articles, seen({ a1: [computed('a3'), computed('a4')] }));
    assert.deepEqual(differences(first, signatures(articles, seen({ a1: [computed('a3'), computed('a4')] }))), []);
    const other = differences(first, signatures(articles, seen({ a1: [computed('a4'), computed('a3')] })));
    assert.deepEqual(
      other.map((d) => d.id),
      ['a1'],
    );
  });
});

describe('story-set orders', () => {
  const set: StorySet = {
    sources: ['s1', 's2', 's3'].map((slug) => ({ slug, name: slug, format: 'rss' as const })),
    threads: [],
    aliases: {},
    articles,
  };

  test('one source per run follows sources.json, reversed runs it backwards', () => {
    assert.deepEqual(orderPlan(set, 'a').rounds, [{ sources: ['s1', 's2', 's3'] }]);
    assert.deepEqual(orderPlan(set, 'c').rounds.map((r) => r.sources), [['s3'], ['s2'], ['s1']]);
  });

  test('growing feeds poll three times, the last showing everything', () => {
    const times = orderPlan(set, 'd').rounds.map((r) => r.until);
    const [first, last] = [Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-05T00:00:00Z')];
    assert.deepEqual(times, [first + Math.round((last - first) / 3), first + Math.round(((last - first) * 2) / 3), last]);
  });

  test('the shuffle is the same every time and holds every source once', () => {
    const e = orderPlan(set, 'e').rounds.map((r) => r.sources[0]);
    assert.deepEqual(orderPlan(set, 'e').rounds.map((r) => r.sources[0]), e);
    assert.deepEqual([...e].sort(), ['s1', 's2', 's3']);
  });
});

test('a set with an article dated in the future is refused, naming it: ingest would take its date as the time of reading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'story-set-'));
  try {
    writeFileSync(join(dir, 'sources.json'), JSON.stringify({ sources: [{ slug: 's1', name: 'S1', format: 'rss' }] }));
    const future = { ...article('a1', 'e1', null), published: new Date(Date.now() + 86_400_000).toISOString() };
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ threads: [], aliases: {}, articles: [article('a2', 'e2', null), future] }));
    assert.throws(() => loadStorySet(dir), /article a1 is dated in the future/);
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ threads: [], aliases: {}, articles: [article('a2', 'e2', null)] }));
    assert.equal(loadStorySet(dir).articles.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
