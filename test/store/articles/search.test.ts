import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { bodyText } from '../../../src/ingest/clean/body-text.js';
import { backfillBodyText } from '../../../src/store/articles/body-text.js';
import { type Db, listMigrations, migrate, openDb } from '../../../src/store/db/db.js';
import { matchExpression, searchArticles } from '../../../src/store/articles/search.js';

function tempDb(t: TestContext): Db {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-search-'));
  const db = openDb(join(dir, 'wirefeed.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

function addArticle(db: Db, guid: string, fields: { title: string; summary?: string; content?: string; at?: number }): number {
  db.prepare("INSERT OR IGNORE INTO sources (id, slug, name) VALUES (1, 'wire', 'Wire')").run();
  const at = fields.at ?? Date.UTC(2026, 10, 20);
  const info = db
    .prepare(
      `INSERT INTO articles (source_id, guid, url, title, summary, content_html, body_text, published_at, updated_at, first_seen_at, content_hash)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'h')`,
    )
    .run(guid, `https://wire.example/${guid}`, fields.title, fields.summary ?? '', fields.content ?? '', bodyText(fields.content ?? ''), at, at, at);
  return Number(info.lastInsertRowid);
}

const titles = (db: Db, q: string) => searchArticles(db, matchExpression(q) ?? '', 50, 1).items.map((a) => a.title);

describe('matchExpression: user words, never FTS5 syntax', () => {
  const cases: [string, string, string | undefined][] = [
    ['one word', 'barrier', '"barrier"'],
    ['several words, any spacing', '  flood \t barrier ', '"flood" "barrier"'],
    ['operators are words', 'flood OR barrier NOT vote', '"flood" "OR" "barrier" "NOT" "vote"'],
    ['a column filter is a word', 'title:flood', '"title:flood"'],
    ['a prefix star is text', 'barr*', '"barr*"'],
    ['double quotes are doubled', 'say "hi', '"say" """hi"'],
    ['brackets and NEAR are text', 'NEAR(a b)', '"NEAR(a" "b)"'],
    ['non-Latin words are words', 'Москва café', '"Москва" "café"'],
    ['punctuation alone is no word', '-- * "', undefined],
    ['blank', '   ', undefined],
  ];
  for (const [name, query, expected] of cases) {
    test(name, () => assert.equal(matchExpression(query), expected));
  }
});

describe('the search index', () => {
  test('ranks a title match above a summary match above a body match, whatever the dates', (t) => {
    const db = tempDb(t);
    migrate(db);
    addArticle(db, 'body', { title: 'Harbour news', summary: 'The port reopens.', content: '<p>A gannet was seen on the quay.</p>', at: 3 });
    addArticle(db, 'summary', { title: 'Seabird count', summary: 'One gannet among the gulls.', content: '<p>Counting.</p>', at: 2 });
    addArticle(db, 'title', { title: 'Gannet returns to the estuary', summary: 'A rare visitor.', content: '<p>Birds.</p>', at: 1 });
    assert.deepEqual(titles(db, 'gannet'), ['Gannet returns to the estuary', 'Seabird count', 'Harbour news']);
  });

  test('every word must match; accents and case do not matter; no word matches a longer one', (t) => {
    const db = tempDb(t);
    migrate(db);
    addArticle(db, 'a', { title: 'Café on the quay reopens' });
    addArticle(db, 'b', { title: 'Quay closed for repairs' });
    assert.deepEqual(titles(db, 'QUAY cafe'), ['Café on the quay reopens']);
    assert.deepEqual(titles(db, 'qua'), []);
    assert.deepEqual(titles(db, 'title:quay'), [], 'a column filter is not applied');
  });

  test('follows inserts, updates and deletes of articles, whoever writes them', (t) => {
    const db = tempDb(t);
    migrate(db);
    const id = addArticle(db, 'a', { title: 'Ferry timetable changes' });
    assert.deepEqual(titles(db, 'ferry'), ['Ferry timetable changes']);
    db.prepare("UPDATE articles SET title = 'Bus timetable changes' WHERE id = ?").run(id);
    assert.deepEqual(titles(db, 'ferry'), []);
    assert.deepEqual(titles(db, 'bus'), ['Bus timetable changes']);
    db.prepare('DELETE FROM articles WHERE id = ?').run(id);
    assert.deepEqual(titles(db, 'bus'), []);
    // FTS5's own check that the index holds exactly what the articles table does.
    db.exec("INSERT INTO article_search (article_search, rank) VALUES ('integrity-check', 1)");
  });

  test('articles stored before the index moved to body text: titles at once, bodies once their text is written', (t) => {
    const db = tempDb(t);
    migrate(db, listMigrations().filter((m) => m.version < 9));
    db.prepare("INSERT INTO sources (id, slug, name) VALUES (1, 'wire', 'Wire')").run();
    const insertOld = db.prepare(
      `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
       VALUES (1, ?, ?, ?, '', ?, 1, 1, 1, 'h')`,
    );
    insertOld.run('old', 'https://wire.example/old', 'Lighthouse keeper retires', '<p>After <em>forty</em> years.</p>');
    const gone = Number(insertOld.run('gone', 'https://wire.example/gone', 'Withdrawn lighthouse story', '<p>Forty.</p>').lastInsertRowid);
    db.prepare('UPDATE articles SET withdrawn_at = 1 WHERE id = ?').run(gone);
    migrate(db);
    assert.deepEqual(titles(db, 'lighthouse keeper'), ['Lighthouse keeper retires']);
    assert.deepEqual(titles(db, 'forty years'), []);
    assert.equal(backfillBodyText(db), 1, 'the withdrawn article is left alone');
    assert.deepEqual(titles(db, 'forty years'), ['Lighthouse keeper retires']);
    assert.equal(backfillBodyText(db), 0, 'nothing is left to write');
    // The index is sound (rank 0: withdrawn articles are left out of it on purpose, so it does not match the table).
    db.exec("INSERT INTO article_search (article_search, rank) VALUES ('integrity-check', 0)");
  });

  test("the body's markup is not searchable: tag and attribute names, URLs in attributes", (t) => {
    const db = tempDb(t);
    migrate(db);
    addArticle(db, 'linked', {
      title: 'Ferry timetable',
      content: '<p>See the <a href="https://ferries.example/summer" title="summer">new timetable</a>.</p><ul><li>one</li><li>two</li></ul>',
    });
    for (const markup of ['href', 'https', 'p', 'ul', 'li', 'title', 'summer']) assert.deepEqual(titles(db, markup), [], markup);
    assert.deepEqual(titles(db, 'new timetable'), ['Ferry timetable']);
    // List items stay separate words.
    assert.deepEqual(titles(db, 'one'), ['Ferry timetable']);
    assert.deepEqual(titles(db, 'onetwo'), []);
  });

  test('pages: `more` says whether a later page has matches', (t) => {
    const db = tempDb(t);
    migrate(db);
    for (let i = 0; i < 5; i++) addArticle(db, `n${i}`, { title: `Tide table ${i}` });
    const expression = matchExpression('tide') ?? '';
    const pages = [1, 2, 3].map((page) => searchArticles(db, expression, 2, page));
    assert.deepEqual(pages.map((p) => [p.items.length, p.more]), [[2, true], [2, true], [1, false]]);
    assert.equal(new Set(pages.flatMap((p) => p.items.map((a) => a.id))).size, 5);
  });
});
