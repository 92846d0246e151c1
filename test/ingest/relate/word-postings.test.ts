// relate's postings: removing or pruning articles leaves exactly what adding
// only the remaining ones gives, scores included (BM25's IDF and average
// length follow the articles held).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { relateTextOf } from '../../../src/ingest/relate/text.js';
import { WordPostings } from '../../../src/ingest/relate/word-postings.js';

const titles = [
  'Harbour gates close for storm',
  'Storm closes harbour road',
  'Ferry strike ends after talks',
  'Council approves harbour budget',
  'Tram strike called off',
  'Storm damage counted at harbour',
];
const words = ['harbour', 'storm', 'strike', 'budget'];
const all = () => true;

function postingsOf(ids: number[]): WordPostings {
  const postings = new WordPostings();
  for (const id of ids) postings.add(id, relateTextOf(titles[id - 1]!, '', '', 0));
  return postings;
}

test('pruning below a floor leaves what adding only the articles above it gives', () => {
  const pruned = postingsOf([1, 2, 3, 4, 5, 6]);
  // Articles 1 and 2 go: two articles, of these lengths.
  const gone = [1, 2].map((id) => relateTextOf(titles[id - 1]!, '', '', 0).length);
  pruned.prune(3, 2, gone[0]! + gone[1]!);
  const fresh = postingsOf([3, 4, 5, 6]);
  for (const word of words) assert.equal(pruned.frequency(word, 1), fresh.frequency(word, 1), word);
  assert.deepEqual(pruned.search(words, 1, 6, all, 10), fresh.search(words, 1, 6, all, 10));
  assert.deepEqual(
    pruned.search(['harbour'], 1, 6, all, 10).map((f) => f.id),
    [4, 6],
  );
});

test('removing an article leaves what never adding it gives; the best come first, the older first among equals', () => {
  const removed = postingsOf([1, 2, 3, 4, 5, 6]);
  removed.remove(4, relateTextOf(titles[3]!, '', '', 0));
  const fresh = postingsOf([1, 2, 3, 5, 6]);
  assert.deepEqual(removed.search(words, 1, 6, all, 10), fresh.search(words, 1, 6, all, 10));
  const found = fresh.search(['storm', 'harbour'], 1, 6, all, 10);
  assert.deepEqual(
    found.map((f) => f.id),
    [...found].sort((a, b) => b.text - a.text || a.id - b.id).map((f) => f.id),
  );
});

test('a search returns at most `limit`, skipping what `accept` refuses', () => {
  const postings = postingsOf([1, 2, 3, 4, 5, 6]);
  const every = postings.search(['harbour', 'storm'], 1, 6, all, 10);
  assert.equal(every.length, 4);
  assert.deepEqual(postings.search(['harbour', 'storm'], 1, 6, all, 2), every.slice(0, 2));
  const refused = every[0]!.id;
  assert.deepEqual(
    postings.search(['harbour', 'storm'], 1, 6, (id) => id !== refused, 10),
    every.filter((f) => f.id !== refused),
  );
});
