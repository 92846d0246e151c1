// Search ranks in FTS5 first and checks visibility for a few pages' worth;
// when nearly all top matches are hidden it falls back to the exact query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchExpression, searchArticles } from '../../../src/store/articles/search.js';
import { configWithSources, testContext } from '../../helpers.js';

test('a visible match found behind sixty hidden ones is still found, and paged', () => {
  const ctx = testContext(configWithSources('  - { slug: s, name: S, url: "https://s.example/feed" }'));
  try {
    const insert = ctx.db.prepare(
      `INSERT INTO articles (source_id, guid, url, title, summary, content_html, published_at, updated_at, first_seen_at, content_hash)
       VALUES (1, ?, ?, ?, 'zebra crossing works', '', ?, ?, ?, '')`,
    );
    const ids: number[] = [];
    for (let i = 0; i < 62; i++) ids.push(Number(insert.run(`g${i}`, `https://s.example/${i}`, `Zebra story ${i}`, i, i, i).lastInsertRowid));
    // All but two are hidden: withdrawn, or later versions of a story.
    const [keepA, keepB, ...rest] = ids as [number, number, ...number[]];
    rest.forEach((id, i) => ctx.db.prepare(i % 2 ? 'UPDATE articles SET withdrawn_at = 1 WHERE id = ?' : 'UPDATE articles SET story_id = ? WHERE id = ?').run(...(i % 2 ? [id] : [keepA, id])));
    const match = matchExpression('zebra') as string;
    const first = searchArticles(ctx.db, match, 1, 1);
    const second = searchArticles(ctx.db, match, 1, 2);
    assert.equal(first.more, true);
    assert.equal(second.more, false);
    assert.deepEqual([...first.items, ...second.items].map((a) => a.id).sort((a, b) => a - b), [keepA, keepB]);
  } finally {
    ctx.close();
  }
});
