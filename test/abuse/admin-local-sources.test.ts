// An API caller may not switch local reading back on: a source whose
// article folder (or file) the config file once named, and has since
// dropped, cannot be re-enabled or taken over through the admin API, and a
// folder source that is not the config file's is never read.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { syncSources, listSources } from '../../src/store/sources.js';
import { configWithSources, testContext } from '../helpers.js';

const token = 'abuse-admin-token-0123456789';
const auth = { Authorization: `Bearer ${token}` };
const article = `---
title: "Private draft about the merger"
published: 2026-01-05T10:00:00Z
---
Not for publication.
`;

test('a dropped config folder source cannot be re-enabled through the API, and is never read unless the config names it', async () => {
  const ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
  try {
    const folder = join(ctx.dir, 'drafts');
    mkdirSync(folder);
    writeFileSync(join(folder, 'merger.md'), article);
    // The operator once configured the folder, then removed it from the config file.
    syncSources(ctx.db, [{ slug: 'drafts', name: 'Drafts', articlesDir: folder, categories: [], everyMinutes: 15 }]);
    syncSources(ctx.db, []);
    const app = createApp(ctx);
    const patched = await request(app).patch('/admin/sources/drafts').set(auth).send({ enabled: true }).expect(409);
    assert.match(patched.body.error, /config file/);
    assert.equal(listSources(ctx.db).length, 0, 'still disabled');

    // Even if some other path hands it to the API, the folder is not read.
    ctx.db.prepare("UPDATE sources SET origin = 'admin', enabled = 1 WHERE slug = 'drafts'").run();
    const [result] = await runIngest(ctx, listSources(ctx.db));
    assert.equal(result?.status, 'error');
    assert.equal(result?.errorKind, 'forbidden');
    const feed = await request(app).get('/feeds/all.rss').expect(200);
    assert.doesNotMatch(feed.text, /merger/i);
  } finally {
    ctx.close();
  }
});
