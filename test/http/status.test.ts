// GET /status: the editor's page of source health, read back as HTML.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DomUtils, parseDocument } from 'htmlparser2';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type TestContext, testContext } from '../helpers.js';

const hostileName = 'Harbor <script>alert(1)</script> & "Wire"';
const hostileError = 'fetch: <img src=x onerror=alert(1)> & more';

describe('/status', () => {
  let ctx: TestContext;
  let html = '';
  let headers: Record<string, string> = {};

  before(async () => {
    ctx = testContext(
      configWithSources(
        [
          `  - { slug: good, name: '${hostileName}', file: good.rss }`,
          '  - { slug: broken, name: Broken, file: broken.rss }',
          '  - { slug: later, name: Later, file: later.rss }',
          '  - { slug: old, name: Old, file: old.rss }',
        ].join('\n'),
      ),
    );
    writeFileSync(
      join(ctx.dir, 'good.rss'),
      `<rss version="2.0"><channel><title>Good</title><link>https://good.test/</link><description>Good</description>
<item><title>One</title><link>https://good.test/1</link><guid>https://good.test/1</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
</channel></rss>`,
    );
    writeFileSync(join(ctx.dir, 'broken.rss'), '<rss version="2.0"><channel><title>Broken</title><item><title>Oops</item></channel>');
    await runIngest(ctx, listSources(ctx.db).filter((s) => s.slug === 'good' || s.slug === 'broken'));
    // A source dropped from the config keeps its row (and its last error), disabled.
    ctx.db.prepare("UPDATE sources SET enabled = 0, last_status = 'error', last_error = ?, error_count = 3 WHERE slug = 'old'").run(hostileError);
    const res = await request(createApp(ctx)).get('/status').expect(200);
    html = res.text;
    headers = res.headers as Record<string, string>;
  });
  after(() => ctx.close());

  /** Each table row as the text of its cells, keyed by the row's source slug. */
  function rows(): Record<string, string[]> {
    const doc = parseDocument(html);
    return Object.fromEntries(
      DomUtils.getElementsByTagName('tr', doc)
        .filter((tr) => tr.attribs.id)
        .map((tr) => [tr.attribs.id?.replace('source-', ''), DomUtils.getElementsByTagName('td', tr).map((td) => DomUtils.textContent(td).trim())]),
    );
  }

  test('is an HTML page, never cached', () => {
    assert.equal(headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(headers['cache-control'], 'no-store');
    // The site's stylesheet, not inline styles: the same policy as every page, no 'unsafe-inline'.
    assert.match(headers['content-security-policy'] ?? '', /default-src 'none'; style-src 'self'/);
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /unsafe-inline/);
    assert.doesNotMatch(html, /<style|style=/);
    assert.match(html, /<link rel="stylesheet" href="\/pages\.css\?v=/);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<p>4 sources: 1 failing, 1 disabled\./);
  });

  test('shows each source: status, HTTP status, last fetch, next due, errors in a row, last error and articles', () => {
    const all = rows();
    assert.deepEqual(Object.keys(all), ['broken', 'good', 'later', 'old']);
    const [name, status, http, fetched, due, errors, lastError, articles] = all.good ?? [];
    assert.deepEqual([name, status, http, errors, lastError, articles], [`${hostileName} good`, 'ok', '–', '0', '', '1']);
    assert.match(fetched ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.match(due ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.ok((due ?? '') > (fetched ?? ''), 'next due after the last fetch');

    const broken = all.broken ?? [];
    assert.deepEqual([broken[1], broken[5], broken[7]], ['error', '1', '0']);
    assert.equal(broken[6], 'not a readable feed', 'the kind of error, never its text');
    assert.deepEqual(all.later, ['Later later', 'never fetched', '–', '–', '–', '0', '', '0']);
    assert.deepEqual(all.old?.slice(1), ['disabled', '–', '–', '–', '3', 'error', '0']);
  });

  test('escapes what sources say, and shows nothing of what upstream errors say', () => {
    assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>/);
    assert.match(html, /Harbor &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Wire&quot;/);
    assert.doesNotMatch(html, /onerror|more/);
  });

  test('links each source to its page and marks failing rows', () => {
    assert.match(html, /<tr id="source-broken" class="failing">/);
    assert.match(html, /<a href="\/sources\/good">/);
  });
});
