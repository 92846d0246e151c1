// Issue 17: one bad upstream must not take the aggregate feeds down. A
// stored item whose link is "/", "./" or "javascript:x" (what an upstream
// with relative links and no base once left behind) is left out of every
// feed, logged, and every format of /feeds/all and of its source's own feed
// still answers 200 with a well-formed document holding the other items.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { type AbuseServer, abuseServer } from '../abuse/server.js';
import { jsonProblem, xmlProblem } from '../abuse/well-formed.js';

const formats = ['rss', 'atom', 'json'] as const;
let s: AbuseServer;
let victim: number;
let other: number;
let slug: string;

before(async () => {
  s = await abuseServer();
  const rows = s.ctx.db
    .prepare('SELECT a.id, src.slug FROM articles a JOIN sources src ON src.id = a.source_id WHERE a.story_id IS NULL AND a.withdrawn_at IS NULL ORDER BY a.published_at DESC, a.id DESC LIMIT 2')
    .all() as { id: number; slug: string }[];
  victim = rows[0]!.id;
  other = rows[1]!.id;
  slug = rows[0]!.slug;
});
after(() => s.close());

describe('a stored item with a link that is no absolute URL', () => {
  for (const link of ['/', './', 'javascript:x']) {
    test(`link ${JSON.stringify(link)}: every format of /feeds/all and of the source's feed answers 200, well-formed, without that item`, async () => {
      const { db } = s.ctx;
      db.exec('SAVEPOINT bad_link');
      try {
        db.prepare('UPDATE articles SET url = ? WHERE id = ?').run(link, victim);
        const app = createApp(s.ctx);
        for (const path of ['/feeds/all', `/feeds/sources/${slug}`]) {
          for (const format of formats) {
            const res = await request(app).get(`${path}.${format}`);
            assert.equal(res.status, 200, `${path}.${format}: ${res.status} ${res.text.slice(0, 200)}`);
            const problem = format === 'json' ? jsonProblem(res.text) : await xmlProblem(res.text);
            assert.equal(problem, undefined, `${path}.${format}: not well-formed`);
            assert.ok(!res.text.includes(`/articles/${victim}<`) && !res.text.includes(`/articles/${victim}"`), `${path}.${format}: the bad item is left out`);
            if (path === '/feeds/all') assert.ok(res.text.includes(`/articles/${other}`), `${path}.${format}: the other items are served`);
          }
        }
      } finally {
        db.exec('ROLLBACK TO bad_link; RELEASE bad_link');
      }
    });
  }
});
