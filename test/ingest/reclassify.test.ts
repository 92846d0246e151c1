// A changed taxonomy reaches stored articles through `wirefeed reclassify`,
// without fetching anything, and the published feeds follow.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import { openContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { createLog } from '../../src/observe/log.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));

const feed = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>W</title><link>https://w.example/</link><description>d</description>
<item><guid>w1</guid><title>Daesh claims fjord attack</title><link>https://w.example/w1</link><pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate><category>ISIL</category><description>Officials said ISIS fighters fled.</description></item>
<item><guid>w2</guid><title>Cup final tonight</title><link>https://w.example/w2</link><pubDate>Tue, 17 Nov 2026 09:15:00 GMT</pubDate><description>The final kicks off at eight.</description></item>
</channel></rss>`;

const config = (taxonomy: string) => `site: { title: T, base_url: "http://t.test", author: T }
${taxonomy}
sources:
  - { slug: w, name: W, file: w.rss }
`;

const before1 = `categories:
  - { slug: world, label: World }
  - { slug: sports, label: Sports }`;

const after1 = `categories:
  - { slug: world, label: World }
  - { slug: europe, label: Europe, parent: world, keywords: [fjord] }
  - { slug: sports, label: Sports, keywords: [cup final] }
tags:
  - { name: Islamic State, aliases: [ISIL, ISIS, IS, Daesh] }`;

describe('wirefeed reclassify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-reclassify-'));
  const env = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') };
  const classification = () => {
    const db = new Database(env.WIREFEED_DB, { readonly: true });
    try {
      return db
        .prepare(
          `SELECT a.guid,
             (SELECT group_concat(category_slug, ',') FROM (SELECT category_slug FROM article_categories WHERE article_id = a.id ORDER BY 1)) AS categories,
             (SELECT group_concat(label, ',') FROM (SELECT label FROM article_tags WHERE article_id = a.id ORDER BY 1)) AS tags
           FROM articles a ORDER BY a.guid`,
        )
        .all();
    } finally {
      db.close();
    }
  };

  before(async () => {
    writeFileSync(join(dir, 'w.rss'), feed);
    writeFileSync(env.WIREFEED_CONFIG, config(before1));
    await run(process.execPath, [main, 'ingest', '--once'], { env });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('updates categories (with parents) and tags (through aliases) of stored articles, and only those that change', async () => {
    assert.deepEqual(classification(), [
      { guid: 'w1', categories: null, tags: 'ISIL' },
      { guid: 'w2', categories: null, tags: null },
    ]);
    writeFileSync(env.WIREFEED_CONFIG, config(after1));
    // The feed file goes away: reclassify must not need it.
    rmSync(join(dir, 'w.rss'));
    const { stdout } = await run(process.execPath, [main, 'reclassify'], { env });
    assert.equal(stdout, 'Reclassified 2 articles: 2 changed.\n');
    assert.deepEqual(classification(), [
      { guid: 'w1', categories: 'europe,world', tags: 'Islamic State' },
      { guid: 'w2', categories: 'sports', tags: null },
    ]);
    const again = await run(process.execPath, [main, 'reclassify'], { env });
    assert.equal(again.stdout, 'Reclassified 2 articles: 0 changed.\n');
  });

  test('the feeds follow: the alias tag feed and the new parent category list the story', async () => {
    const ctx = openContext(loadConfig(env), createLog('silent'));
    try {
      const app = createApp(ctx);
      const tagged = await request(app).get('/feeds/tags/islamic-state.json').expect(200);
      assert.deepEqual(tagged.body.items.map((i: { url: string }) => i.url), ['https://w.example/w1']);
      assert.deepEqual(tagged.body.items[0].tags, ['Europe', 'World', 'Islamic State']);
      await request(app).get('/feeds/tags/isil.json').expect(404);
      const europe = await request(app).get('/feeds/categories/europe.atom').expect(200);
      assert.match(europe.text, /<category label="World" scheme="http:\/\/t\.test\/categories" term="world"\/>/);
    } finally {
      ctx.db.close();
    }
  });
});
