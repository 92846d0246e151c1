// Partner usage reports through HTTP and the CLI: what a partner fetched
// (requests, bytes, 304s per UTC day; the articles it received, with the
// first delivery's route and format), written behind by the flush, never on
// the request's path, and kept across a restart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import { openContext } from '../../src/context.js';
import { type App, createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { createLog } from '../../src/observe/log.js';
import { csvField } from '../../src/publish/reports/usage.js';
import { PartnerUsage } from '../../src/store/partner-usage.js';
import { createPartner } from '../../src/store/partners.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, demoArticlesDir, type TestContext, testContext } from '../helpers.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const token = 'test-admin-token-0123456789';
const admin = { Authorization: `Bearer ${token}` };
const today = () => new Date().toISOString().slice(0, 10);
/** 'finish' comes when the answer has been handed over; a turn later it has surely been counted. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

type Report = {
  partner: string;
  days: { day: string; requests: number; bytes: number; not_modified: number; articles: number }[];
  articles: { id: number; title: string | null; first_at: string; route: string; format: string }[];
};

describe('partner usage reports', () => {
  let ctx: TestContext;
  let usage: PartnerUsage;
  let app: App;
  let key: string;

  before(async () => {
    const source = `  - { slug: demo-desk, name: The Demo Desk, articles: "${demoArticlesDir}" }`;
    ctx = testContext(configWithSources(source, `admin:\n  token: ${token}\n`, false));
    await runIngest(ctx, listSources(ctx.db));
    key = createPartner(ctx.db, 'Coast Weekly', { fullText: true, categories: [] }).key;
    createPartner(ctx.db, 'Idle Partner', { fullText: false, categories: [] });
    usage = new PartnerUsage(ctx.db, ctx.log, { flushEveryMs: 3_600_000 });
    app = createApp(ctx, { partnerUsage: usage });
  });
  after(() => {
    usage.close();
    ctx.close();
  });

  const report = async (query = `from=${today()}&to=${today()}`) =>
    (await request(app).get(`/admin/partners/Coast%20Weekly/usage?${query}`).set(admin).expect(200)).body as Report;
  const daily = () => ctx.db.prepare('SELECT count(*) FROM partner_usage_days').pluck().get();

  test('feeds, a 304 and an article are counted in memory, and reported with bytes and first deliveries after the flush', async () => {
    const feed = await request(app).get('/feeds/all.json?limit=3').set('Authorization', `Bearer ${key}`).set('Accept-Encoding', 'gzip').expect(200);
    const feedBytes = Number(feed.headers['content-length']);
    assert.equal(feed.headers['content-encoding'], 'gzip');
    await request(app).get('/feeds/all.json?limit=3').set('Authorization', `Bearer ${key}`).set('Accept-Encoding', 'gzip').set('If-None-Match', String(feed.headers.etag)).expect(304);
    const ids = (feed.body as { items: { id: string }[] }).items.map((i) => Number(i.id.split('/').at(-1)));
    assert.equal(ids.length, 3);
    const older = await request(app).get(`/articles/${ids[2]}.json`).set('Authorization', `Bearer ${key}`).expect(200);
    const other = (ctx.db.prepare('SELECT id FROM articles WHERE id NOT IN (?, ?, ?) ORDER BY id LIMIT 1').pluck().get(...ids) as number);
    const page = await request(app).get(`/articles/${other}?key=${key}`).set('Accept', 'text/html').expect(200);
    await request(app).head('/feeds/all.rss').set('Authorization', `Bearer ${key}`).expect(200);
    await settled();

    assert.equal(daily(), 0, 'nothing is written on the request path');
    assert.equal(usage.unwritten, 5);
    assert.ok(usage.flush());

    const first = await report();
    assert.equal(first.partner, 'Coast Weekly');
    const bytes = feedBytes + Number(older.headers['content-length']) + Number(page.headers['content-length']);
    assert.deepEqual(first.days, [{ day: today(), requests: 5, bytes, not_modified: 1, articles: 4 }]);
    const byId = new Map(first.articles.map((a) => [a.id, a]));
    assert.deepEqual([...byId.keys()].sort(), [...ids, other].sort());
    assert.deepEqual(
      ids.map((id) => [byId.get(id)?.route, byId.get(id)?.format]),
      ids.map(() => ['/feeds/all.:format', 'json']),
      'the feed came first for all three, the later article JSON too',
    );
    assert.deepEqual([byId.get(other)?.route, byId.get(other)?.format], ['/articles/:id', 'html']);
    assert.ok(byId.get(ids[0]!)?.title);

    // Again, later: counted, but the first delivery stays.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await request(app).get(`/articles/${ids[0]}.json`).set('Authorization', `Bearer ${key}`).expect(200);
    await request(app).get(`/feeds/all.atom?limit=3&key=${key}`).expect(200);
    await settled();
    assert.ok(usage.flush());
    const second = await report();
    assert.equal(second.days[0]?.requests, 7);
    assert.equal(second.articles.find((a) => a.id === ids[0])?.first_at, byId.get(ids[0]!)?.first_at);
    assert.deepEqual(second.articles, first.articles, 'the same articles, each still with its first route and format (json, not atom)');
  });

  test('the report as CSV, by Accept or ?format=csv: a header row, and the articles with part=articles', async () => {
    const days = await request(app).get(`/admin/partners/Coast%20Weekly/usage?from=${today()}&to=${today()}`).set(admin).set('Accept', 'text/csv').expect(200);
    assert.match(String(days.headers['content-type']), /^text\/csv; charset=utf-8/);
    const lines = days.text.split('\r\n');
    assert.equal(lines[0], 'day,requests,bytes,not_modified,articles');
    assert.match(lines[1] ?? '', new RegExp(`^${today()},\\d+,\\d+,1,4$`));
    const articles = await request(app).get(`/admin/partners/Coast%20Weekly/usage?from=${today()}&to=${today()}&format=csv&part=articles`).set(admin).expect(200);
    assert.equal(articles.text.split('\r\n')[0], 'id,title,first_at,route,format');
    assert.equal(articles.text.trimEnd().split('\r\n').length, 5);
    assert.equal(csvField('Storm, "the big one"'), '"Storm, ""the big one"""');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('two\nlines'), '"two\nlines"');
  });

  test('a day without requests is not listed; an idle partner has an empty report', async () => {
    const idle = await request(app).get(`/admin/partners/Idle%20Partner/usage?from=2026-01-01&to=${today()}`).set(admin).expect(200);
    assert.deepEqual(idle.body, { partner: 'Idle Partner', from: '2026-01-01', to: today(), days: [], articles: [] });
    assert.deepEqual((await report('from=2020-01-01&to=2020-12-31')).days, []);
  });

  test('the admin token is required; an unknown partner is a 404; bad or missing dates are 400s that name the parameter', async () => {
    await request(app).get(`/admin/partners/Coast%20Weekly/usage?from=${today()}&to=${today()}`).expect(401);
    await request(app).get(`/admin/partners/Coast%20Weekly/usage?from=${today()}&to=${today()}`).set('Authorization', `Bearer ${key}`).expect(401);
    const unknown = await request(app).get(`/admin/partners/Nobody/usage?from=${today()}&to=${today()}`).set(admin).expect(404);
    assert.equal(unknown.body.error, 'partner: no partner "Nobody"');
    const cases: [string, string][] = [
      ['to=2026-01-01', 'from'],
      ['from=2026-01-01', 'to'],
      ['from=2026-02-30&to=2026-03-01', 'from'],
      ['from=2026-01-01&to=26-1-2', 'to'],
      ['from=2026-02-01&to=2026-01-01', 'to'],
      ['from=2024-01-01&to=2025-12-31', 'to'],
      ['from=2026-01-01&to=2026-01-02&format=xml', 'format'],
      ['from=2026-01-01&to=2026-01-02&part=both', 'part'],
    ];
    for (const [query, field] of cases) {
      const res = await request(app).get(`/admin/partners/Coast%20Weekly/usage?${query}`).set(admin).expect(400);
      assert.equal(res.body.field, field, query);
      assert.match(res.body.error, new RegExp(field), query);
    }
  });

  test('the counts survive closing and reopening the database, and `partners usage` prints the month', async () => {
    assert.ok(usage.close());
    ctx.db.close();
    const env = { ...process.env, WIREFEED_CONFIG: ctx.cfg.configPath, WIREFEED_DB: ctx.cfg.databasePath };
    const reopened = openContext(loadConfig(env), createLog('silent'));
    try {
      const counted = reopened.db.prepare('SELECT requests, not_modified FROM partner_usage_days').get();
      assert.deepEqual({ ...(counted as object) }, { requests: 7, not_modified: 1 });
      assert.equal(reopened.db.prepare('SELECT count(*) FROM partner_deliveries').pluck().get(), 4);
    } finally {
      reopened.db.close();
    }
    const month = today().slice(0, 7);
    const printed = await run(process.execPath, [main, 'partners', 'usage', 'Coast Weekly', '--month', month], { env });
    assert.match(printed.stdout, new RegExp(`^Usage of Coast Weekly, ${month}-01 to ${month}-\\d\\d \\(UTC\\):\\n`));
    assert.match(printed.stdout, new RegExp(`${today()}\\s+7\\s+\\d+\\s+1\\s+4`));
    assert.match(printed.stdout, /\/feeds\/all\.:format\s+json/);
    assert.match(printed.stdout, /\/articles\/:id\s+html/);
    const csv = await run(process.execPath, [main, 'partners', 'usage', 'Coast Weekly', '--month', month, '--csv', '--articles'], { env });
    assert.equal(csv.stdout.split('\r\n')[0], 'id,title,first_at,route,format');
    await assert.rejects(run(process.execPath, [main, 'partners', 'usage', 'Nobody', '--month', month], { env }), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.equal(err.stderr, 'partners usage: no partner named "Nobody"\n');
      return true;
    });
    await assert.rejects(run(process.execPath, [main, 'partners', 'usage', 'Coast Weekly', '--month', '2026-13'], { env }), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.equal(err.stderr, 'partners usage: --month must be a month as YYYY-MM, not "2026-13"\n');
      return true;
    });
  });
});
