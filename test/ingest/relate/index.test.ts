// relate's in-memory index follows the database: articles stored by anyone,
// rolled-back transactions, changed and withdrawn articles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RelateIndex } from '../../../src/ingest/relate/index.js';
import { relateTextOf } from '../../../src/ingest/relate/text.js';
import { type Db, migrate, openDb } from '../../../src/store/db/db.js';

function database(): Db {
  const db = openDb(':memory:');
  migrate(db);
  db.prepare("INSERT INTO sources (slug, name, url) VALUES ('wire', 'Wire', 'https://wire.example/feed')").run();
  return db;
}

let stored = 0;
function store(db: Db, title: string, summary = ''): number {
  stored++;
  const insert = db.prepare(
    `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
     VALUES (1, ?, ?, ?, ?, '', 0, 0, ?, '')`,
  );
  return Number(insert.run(`g${stored}`, `https://wire.example/${stored}`, title, summary, stored).lastInsertRowid);
}

const matches = (index: RelateIndex, word: string) => index.search([word], 1, () => true, 10).map((f) => f.article.title);

test('articles stored after the index was made are found at the next sync', () => {
  const db = database();
  const index = new RelateIndex();
  store(db, 'Harbour gates close');
  index.sync(db, 1);
  store(db, 'Harbour gates reopen');
  index.sync(db, 1);
  assert.equal(index.frequency('harbour', 1), 2);
  assert.deepEqual(matches(index, 'reopen'), ['Harbour gates reopen']);
});

test('a title match ranks above a summary match, and the window bound leaves older articles out', () => {
  const db = database();
  const index = new RelateIndex();
  const first = store(db, 'Council budget', 'The ferry timetable changes');
  store(db, 'Ferry timetable changes', 'Council budget talks');
  index.sync(db, 1);
  assert.deepEqual(matches(index, 'ferry'), ['Ferry timetable changes', 'Council budget']);
  assert.deepEqual(index.search(['ferry'], first + 1, () => true, 10).map((f) => f.article.title), ['Ferry timetable changes']);
});

test('articles of a rolled-back transaction are forgotten, even when their ids are used again', () => {
  const db = database();
  const index = new RelateIndex();
  store(db, 'Bridge opens');
  index.sync(db, 1);
  assert.throws(() =>
    db.transaction(() => {
      store(db, 'Phantom lighthouse story');
      index.sync(db, 1);
      assert.deepEqual(matches(index, 'lighthouse'), ['Phantom lighthouse story']);
      throw new Error('rollback');
    })(),
  );
  store(db, 'Tram line extended');
  index.sync(db, 1);
  assert.deepEqual(matches(index, 'lighthouse'), []);
  assert.deepEqual(matches(index, 'tram'), ['Tram line extended']);
});

test('a changed or withdrawn article is read again once marked', () => {
  const db = database();
  const index = new RelateIndex();
  const id = store(db, 'Storm warning issued');
  const other = store(db, 'Storm damage counted');
  index.sync(db, 1);
  db.prepare("UPDATE articles SET title = 'Heatwave warning issued' WHERE id = ?").run(id);
  db.prepare('UPDATE articles SET withdrawn_at = 1 WHERE id = ?').run(other);
  index.markChanged(id);
  index.markChanged(other);
  index.sync(db, 1);
  assert.deepEqual(matches(index, 'storm'), []);
  assert.deepEqual(matches(index, 'heatwave'), ['Heatwave warning issued']);
  assert.equal(index.frequency('warning', 1), 1);
});

test("the prepare worker's words are taken over only while the stored title and summary are the ones they were worked out from", () => {
  const db = database();
  const index = new RelateIndex();
  const kept = store(db, 'Ferry strike ends', 'Crews return');
  const edited = store(db, 'Tram fares rise', 'From Monday');
  // Words that title and summary do not hold, to tell which were indexed.
  index.expect(kept, 'Ferry strike ends', 'Crews return', 0, relateTextOf('Lighthouse keepers', 'Crews return', '', 0));
  index.expect(edited, 'Tram fares fall', 'From Monday', 0, relateTextOf('Zeppelin sighting', 'From Monday', '', 0));
  index.sync(db, 1);
  assert.deepEqual(matches(index, 'lighthouse'), ['Ferry strike ends']);
  assert.deepEqual(matches(index, 'zeppelin'), []);
  assert.deepEqual(matches(index, 'rise'), ['Tram fares rise']);
});

test('an edit or withdrawal by another process, unmarked, is picked up by the periodic hash check', (t) => {
  const db = database();
  const index = new RelateIndex();
  const edited = store(db, 'Storm warning issued');
  const withdrawn = store(db, 'Storm damage counted');
  const kept = store(db, 'Storm drains cleared');
  index.sync(db, 1);
  // Another process: new content (and so a new hash) for one, a withdrawal of another; this index is not told.
  db.prepare("UPDATE articles SET title = 'Heatwave warning issued', content_hash = 'edited' WHERE id = ?").run(edited);
  db.prepare('UPDATE articles SET withdrawn_at = 1 WHERE id = ?').run(withdrawn);
  index.sync(db, 1);
  assert.deepEqual(matches(index, 'heatwave'), [], 'not before the check is due');
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 11 * 60_000 });
  index.sync(db, 1);
  assert.deepEqual(matches(index, 'heatwave'), ['Heatwave warning issued']);
  assert.deepEqual(matches(index, 'storm'), ['Storm drains cleared']);
  assert.equal(index.get(kept)?.title, 'Storm drains cleared');
});
