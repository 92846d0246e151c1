// The story set (test/fixtures/story-set/) run through the real ingest and
// read back over HTTP, in every order the harness knows (bench/story-set/),
// held to issue 18's goals. One goal is not met: no same-story group shown
// twice in /feeds/all (4 of 83 are, BENCHMARKS.md); that count is held from
// growing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import Parser from 'rss-parser';
import { type Evaluation, evaluate, missedGoals } from '../../../bench/story-set/evaluate.js';
import { serveSetFeeds } from '../../../bench/story-set/feed-server.js';
import { loadStorySet, type SetArticle, type StorySet } from '../../../bench/story-set/set.js';
import { fixturesDir } from '../../helpers.js';

const setDir = join(fixturesDir, 'story-set');

/** The set's article files, which the harness must find. */
function storySet(): StorySet {
  const set = loadStorySet(setDir);
  assert.ok(set.articles.length > 0, `no articles in ${setDir}`);
  return set;
}

// Text that breaks careless escaping: markup characters, quotes, a CDATA end, a non-ASCII dash.
const awkward = `Q&A: "Rates" <up> 5% — it's ]]> done`;

describe('story-set harness', () => {
  let set: StorySet;
  let evaluation: Evaluation;

  before(async () => {
    set = storySet();
    evaluation = await evaluate(set, ['a', 'b', 'c', 'd', 'e']);
  });

  test('each source is served as a feed of its format that parses back to the labelled text', async () => {
    const first = set.articles[0] as SetArticle;
    const tricky = { ...set, articles: set.articles.map((a) => (a === first ? { ...a, title: awkward, summary: awkward, body: `${awkward}\n\nSecond <p>aragraph` } : a)) };
    const feeds = await serveSetFeeds(tricky);
    try {
      for (const source of tricky.sources) {
        const url = feeds.feedUrls.get(source.slug) ?? '';
        const res = await fetch(url);
        assert.equal(res.status, 200, url);
        const text = await res.text();
        const items =
          source.format === 'json'
            ? (JSON.parse(text) as { items: { url: string; title: string; summary: string }[] }).items.map((i) => ({ link: i.url, ...i }))
            : ((await new Parser().parseString(text)).items as { link?: string; title?: string; summary?: string; contentSnippet?: string }[]);
        const expected = tricky.articles.filter((a) => a.source === source.slug);
        assert.equal(items.length, expected.length, source.slug);
        for (const a of expected) {
          const item = items.find((i) => i.link === a.url);
          assert.ok(item, `${source.slug}: ${a.id} is in its feed`);
          assert.equal(item.title, a.title, `${source.slug}: ${a.id}'s title`);
        }
      }
      // Growing feeds: a cutoff hides what is published after it.
      feeds.setCutoff(0);
      const json = set.sources.find((s) => s.format === 'json');
      const empty = await (await fetch(feeds.feedUrls.get(json?.slug ?? '') ?? '')).text();
      assert.deepEqual(JSON.parse(empty).items, []);
    } finally {
      await feeds.close();
    }
  });

  test('every labelled article is found through HTTP, in every order tried', () => {
    for (const o of evaluation.orders) {
      assert.deepEqual(o.scores.missing, [], `order ${o.key}`);
      assert.equal(o.observation.related.size, set.articles.length, `order ${o.key}`);
      // Every labelled story reaches /feeds/all at least once, and nothing else does.
      const labelled = new Set(set.articles.map((a) => a.id));
      assert.ok(o.observation.allItems.every((id) => labelled.has(id)), `order ${o.key}: /feeds/all shows only the set`);
      assert.ok(o.scores.allItems >= o.scores.events, `order ${o.key}: /feeds/all shows every event`);
    }
  });

  test('meets the goals: same-story recall, no false merges, related precision, the same in any order; leaks held', () => {
    assert.deepEqual(
      missedGoals(evaluation).filter((m) => !m.includes('shown more than once')),
      [],
    );
    // Measured 3 of 83: commentary a day or more after the news (BENCHMARKS.md).
    for (const o of evaluation.orders) assert.ok(o.scores.leaks.length <= 3, `order ${o.key}: ${o.scores.leaks.length} groups shown more than once`);
  });
});

// The hold-out set (test/fixtures/story-set-holdout/): written by a helper that had read neither relate's code nor the
// set above, in another invented country and house style (wire flashes, summary-only items), so that the rule is held
// on material its thresholds were not set on.
describe('story-set hold-out', () => {
  test('meets every goal in two orders: recall, no false merge, no leak, precision, order-independence', async () => {
    const holdout = await evaluate(loadStorySet(join(fixturesDir, 'story-set-holdout')), ['a', 'c']);
    assert.deepEqual(missedGoals(holdout), []);
  });
});
