// What relate's in-memory index costs per article held, on the heap after a
// full collection: news copy is full of words in one or two articles (names
// above all), and every article brings its own copies of the words it shares
// with the others. Not a timing test: the index holds up to 10,000 articles
// in a process that serves. These took 6.3 KB each before it held each word
// once and each word's postings in one list made to size (relate/index.ts,
// word-postings.ts), and take 2.9 KB.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RelateIndex } from '../../../src/ingest/relate/index.js';
import { relateTextOf } from '../../../src/ingest/relate/text.js';
import { type Db, migrate, openDb } from '../../../src/store/db/db.js';

// The collector, for this test's process only (node --test runs each file in a process of its own).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const ARTICLES = 4000;

/** Articles of news-like text: everyday words, and names most of which come up once or twice. */
function archive(): { db: Db; texts: Map<number, { title: string; summary: string; body: string }> } {
  const db = openDb(':memory:');
  migrate(db);
  db.prepare("INSERT INTO sources (slug, name, url) VALUES ('wire', 'Wire', 'https://wire.example/feed')").run();
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const common = Array.from({ length: 2000 }, (_, i) => `word${i.toString(36)}`);
  const word = () => (random() < 0.3 ? `Name${Math.floor(random() * 60_000).toString(36)}ton` : common[Math.floor(random() ** 2 * common.length)]!);
  const text = (n: number) => Array.from({ length: n }, word).join(' ');
  const insert = db.prepare(
    `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
  );
  const texts = new Map<number, { title: string; summary: string; body: string }>();
  db.transaction(() => {
    for (let i = 1; i <= ARTICLES; i++) {
      const [title, summary, body] = [text(10), text(45), `<p>${text(250)}</p><p>${text(250)}</p>`];
      insert.run(`g${i}`, `https://wire.example/${i}`, title, summary, body, i, i, i);
      texts.set(i, { title, summary, body });
    }
  })();
  return { db, texts };
}

test('the index holds an article in a few kilobytes', () => {
  const { db, texts } = archive();
  const index = new RelateIndex();
  gc();
  // The signatures' stems are typed arrays, whose bytes are outside the heap.
  const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const before = held();
  // As ingest hands them over: each article's words worked out by a prepare worker, copied in its message.
  for (const [id, { title, summary, body }] of texts) index.expect(id, title, summary, id, structuredClone(relateTextOf(title, summary, body, id)));
  index.sync(db, 1);
  gc();
  const perArticle = (held() - before) / ARTICLES;
  assert.equal(index.frequency('word0', 1) > 0, true, 'the articles were read');
  // Measured 7.9 KB with 500-word bodies, a third of them names (issue 18 added the signature; title and summary alone took under 4.5 KB).
  assert.ok(perArticle < 9 * 1024, `${(perArticle / 1024).toFixed(1)} KB per article held`);
  db.close();
});
