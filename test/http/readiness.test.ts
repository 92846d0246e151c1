// /readyz tells the truth about the database, through supertest against the
// real app: a deleted folder, a replaced file, corrupt pages met by a feed
// request and a full database each make it a 503 saying why (while /healthz
// stays 200), and a later successful write (the health probe) makes it 200
// again where the fault was passing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { probeDatabase } from '../../src/store/db/health.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';

const token = 'readiness-token-0123456789';

async function expectReady(ctx: TestContext): Promise<void> {
  const res = await request(createApp(ctx)).get('/readyz');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text, 'ready\n');
}

async function expectNotReady(ctx: TestContext, why: RegExp): Promise<string> {
  const app = createApp(ctx);
  const res = await request(app).get('/readyz');
  assert.equal(res.status, 503, `expected a 503, got ${res.status} ${res.text}`);
  assert.match(res.text, /^not ready: database: /);
  assert.match(res.text, why);
  assert.doesNotMatch(res.text, new RegExp(ctx.dir), 'no file system path in a public answer');
  await request(app).get('/healthz').expect(200, 'ok\n');
  return res.text;
}

describe('/readyz and the database file', () => {
  test('is a 503 once the database folder is deleted under the running app (SQLite would go on writing to the deleted file)', async () => {
    const ctx = testContext();
    try {
      probeDatabase(ctx.db);
      await expectReady(ctx);
      rmSync(ctx.dir, { recursive: true, force: true });
      // The connection still reads and writes the deleted file: the old check passed.
      ctx.db.prepare("UPDATE sources SET name = name || '' WHERE id = (SELECT min(id) FROM sources)").run();
      await expectNotReady(ctx, /gone \(its folder was deleted or moved\)/);
      probeDatabase(ctx.db);
      await expectNotReady(ctx, /gone/);
    } finally {
      ctx.close();
    }
  });

  test('no write is acknowledged into a deleted database: the admin API answers 503, an ingest stores nothing', async () => {
    const ctx = testContext(configWithSources('  - { slug: local, name: Local, file: local.rss }'), { WIREFEED_ADMIN_TOKEN: token });
    try {
      writeFileSync(
        join(ctx.dir, 'local.rss'),
        '<rss version="2.0"><channel><title>L</title><link>https://l.example/</link><description>d</description><item><guid>l1</guid><title>One</title><link>https://l.example/1</link></item></channel></rss>',
      );
      const app = createApp(ctx);
      const article = { title: 'Kept?', url: 'https://desk.example/kept', summary: 'S.', published: '2026-01-10T09:30:00Z' };
      const feed = readFileSync(join(ctx.dir, 'local.rss'));
      rmSync(ctx.dir, { recursive: true, force: true });
      mkdirSync(ctx.dir);
      writeFileSync(join(ctx.dir, 'local.rss'), feed);
      const refused = await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(article);
      assert.equal(refused.status, 503, refused.text);
      assert.match(refused.body.error, /^not written: database: /);
      const [result] = await runIngest(ctx, listSources(ctx.db));
      assert.equal(result?.status, 'error');
      assert.equal(result?.itemsNew, 0);
      assert.match(result?.error ?? '', /^store: not written: database: /);
    } finally {
      ctx.close();
    }
  });

  test('is a 503 when another file has been put in place of the database', async () => {
    const ctx = testContext();
    try {
      const other = join(ctx.dir, 'other.db');
      writeFileSync(other, '');
      renameSync(other, ctx.cfg.databasePath);
      await expectNotReady(ctx, /not the one opened at start \(replaced\)/);
    } finally {
      ctx.close();
    }
  });

  test('is a 503 after a feed request met corrupt pages of the database, and stays so', async () => {
    const ctx = testContext();
    try {
      await runIngest(ctx, listSources(ctx.db));
      await expectReady(ctx);
      // Every article is in the database file itself, none in the write-ahead log.
      ctx.db.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = ctx.db.pragma('page_size', { simple: true }) as number;
      const pages = ctx.db.prepare("SELECT pageno FROM dbstat WHERE name = 'articles'").pluck().all() as number[];
      const total = ctx.db.pragma('page_count', { simple: true }) as number;
      assert.ok(pages.length >= 3 && total > pages.length, `articles span ${pages.length} of ${total} pages`);
      const fd = openSync(ctx.cfg.databasePath, 'r+');
      for (const page of pages) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
      closeSync(fd);
      // Otherwise the connection would answer from the pages it holds in memory.
      ctx.db.pragma('shrink_memory');

      const feed = await request(createApp(ctx)).get('/feeds/all.rss');
      assert.ok(feed.status >= 500, `the feed answered ${feed.status}`);
      await expectNotReady(ctx, /corrupt: database disk image is malformed \(SQLITE_CORRUPT/);
      // A write that succeeds elsewhere in the file does not mend the pages.
      probeDatabase(ctx.db);
      await expectNotReady(ctx, /corrupt/);
    } finally {
      ctx.close();
    }
  });

  test('is a 503 after a write failed with SQLITE_FULL, and 200 again once a write succeeds', async () => {
    const ctx = testContext(configWithSources('  []'), { WIREFEED_ADMIN_TOKEN: token });
    try {
      const app = createApp(ctx);
      probeDatabase(ctx.db);
      await expectReady(ctx);
      // The file may not grow: the next write that needs a page fails as on a full disk.
      const pages = ctx.db.pragma('page_count', { simple: true }) as number;
      ctx.db.pragma(`max_page_count = ${pages}`);
      const big = { title: 'A long report', url: 'https://desk.example/long', content_html: `<p>${'All the news. '.repeat(40_000)}</p>` };
      const res = await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(big);
      assert.ok(res.status >= 500, `the write answered ${res.status}`);
      await expectNotReady(ctx, /a write failed: database or disk is full \(SQLITE_FULL\)/);

      ctx.db.pragma('max_page_count = 1073741823');
      probeDatabase(ctx.db);
      await expectReady(ctx);
      await request(app).post('/admin/articles').set('Authorization', `Bearer ${token}`).send(big).expect(201);
    } finally {
      ctx.close();
    }
  });

  test('the probe finds a file system with no room left, and readiness returns when there is room again', async (t) => {
    const mount = mkdtempSync(join(tmpdir(), 'wirefeed-small-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      rmSync(mount, { recursive: true, force: true });
      t.skip('cannot mount a small tmpfs here (needs root with CAP_SYS_ADMIN); the full-disk probe is untested');
      return;
    }
    t.after(() => {
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    });
    const ctx = testContext(configWithSources('  []'), { WIREFEED_DB: join(mount, 'test.db') });
    try {
      probeDatabase(ctx.db);
      await expectReady(ctx);
      const filler = join(mount, 'filler');
      const fd = openSync(filler, 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(64 * 1024));
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      } finally {
        closeSync(fd);
      }
      probeDatabase(ctx.db);
      // The heartbeat's page needs room in the write-ahead log, or else the file beside it does.
      await expectNotReady(ctx, /database or disk is full \(SQLITE_FULL\)|\(ENOSPC: no space left on device\)/);
      rmSync(filler);
      probeDatabase(ctx.db);
      await expectReady(ctx);
    } finally {
      ctx.close();
    }
  });
});
