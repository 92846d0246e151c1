// The history migration 024's trigger keeps, read back through
// store/versions/article-versions.ts: whoever updates the row, a change of
// title, summary or body makes one version, nothing else does; bodies are
// stored only when they changed and read back whole; the last ten are kept;
// a withdrawal deletes them.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { type Db, migrate, openDb } from '../../src/store/db/db.js';
import { getArticleHistory, listRecentCorrections } from '../../src/store/versions/article-versions.js';

describe('article versions', () => {
  let db: Db;
  const write = (title: string, summary: string, body: string, at: number, author = 'A') =>
    db.prepare('UPDATE articles SET title = ?, summary = ?, content_html = ?, author = ?, updated_at = ? WHERE id = 1').run(title, summary, body, author, at);

  beforeEach(() => {
    db = openDb(':memory:');
    migrate(db);
    db.prepare("INSERT INTO sources (slug, name) VALUES ('wire', 'Wire')").run();
    db.prepare(
      `INSERT INTO articles (source_id, guid, url, title, summary, content_html, author, published_at, updated_at, first_seen_at, content_hash)
       VALUES (1, 'g', 'https://wire.example/1', 'T1', 'S1', '<p>B1</p>', 'A', 100, 100, 100, 'h')`,
    ).run();
  });

  test('an article never corrected is version 1 with no history and no recent correction', () => {
    write('T1', 'S1', '<p>B1</p>', 150, 'Someone else');
    assert.deepEqual(getArticleHistory(db, 1), { version: 1, previous: [] });
    assert.deepEqual(listRecentCorrections(db, [1], 0), new Map());
    assert.equal(getArticleHistory(db, 2), undefined);
  });

  test('each change of title, summary or body is a version saying what changed; bodies are read back whole', () => {
    write('T2', 'S1', '<p>B1</p>', 200);
    write('T2', 'S2', '<p>B2</p>', 300);
    write('T2', 'S2', '<p>B2</p>', 350, 'Byline only');
    const history = getArticleHistory(db, 1);
    assert.deepEqual(
      history?.previous.map((v) => [v.version, v.title, v.summary, v.contentHtml, v.createdAt.getTime(), v.replacedAt.getTime(), v.changed]),
      [
        [2, 'T2', 'S1', '<p>B1</p>', 200, 300, ['summary', 'body']],
        [1, 'T1', 'S1', '<p>B1</p>', 100, 200, ['title']],
      ],
    );
    assert.equal(history?.version, 3);
    // Version 1's body was the same as version 2's: stored once.
    assert.deepEqual(db.prepare('SELECT version, content_html FROM article_versions ORDER BY version').raw().all(), [
      [1, null],
      [2, '<p>B1</p>'],
    ]);
    assert.deepEqual([...listRecentCorrections(db, [1], 300)], [[1, { version: 3, at: new Date(300), changed: ['summary', 'body'], previousTitle: 'T2', previousSummary: 'S1' }]]);
    assert.deepEqual(listRecentCorrections(db, [1], 301), new Map(), 'older than the period');
  });

  test('the last ten earlier versions are kept, and still read back whole', () => {
    write('T1', 'S1', '<p>B2</p>', 200);
    for (let i = 0; i < 11; i++) write(`T${i + 2}`, 'S1', '<p>B2</p>', 300 + i);
    const history = getArticleHistory(db, 1);
    assert.equal(history?.version, 13);
    assert.deepEqual(history?.previous.map((v) => v.version), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    assert.ok(history?.previous.every((v) => v.contentHtml === '<p>B2</p>'));
    assert.equal(history?.previous.at(-1)?.createdAt.getTime(), 300, 'version 3 became current when version 2 was replaced');
  });

  test('a withdrawal deletes the history, and a withdrawn article is not read', () => {
    write('T2', 'S1', '<p>B1</p>', 200);
    db.prepare('UPDATE articles SET withdrawn_at = 400 WHERE id = 1').run();
    assert.equal(db.prepare('SELECT count(*) FROM article_versions').pluck().get(), 0);
    assert.equal(getArticleHistory(db, 1), undefined);
  });
});
