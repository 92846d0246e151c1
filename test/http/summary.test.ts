// An entry that comes without a summary is published with one taken from its
// body's text: no markup, paragraphs and list items kept apart by a space.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const upstream = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Quay Notes',
  home_page_url: 'https://quay.example/',
  items: [
    {
      id: 'no-summary',
      url: 'https://quay.example/no-summary',
      title: 'Market day moves to the quay',
      content_html: '<p>Stalls open at <em>eight</em>.</p><ul><li>fish</li><li>bread</li></ul>',
      date_published: '2026-11-20T08:00:00Z',
    },
  ],
});

describe('a summary taken from the body', () => {
  let server: FixtureServer;
  let ctx: TestContext;

  before(async () => {
    server = await serveFixtures({ '/quay.json': { body: upstream, type: 'application/feed+json' } });
    ctx = testContext(configWithSources(`  - { slug: quay, name: Quay Notes, url: "${server.url}/quay.json" }`, '', false));
    await runIngest(ctx, listSources(ctx.db));
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('is the body text, without markup', async () => {
    const res = await request(createApp(ctx)).get('/feeds/all.json').expect(200);
    assert.equal(res.body.items[0]?.summary, 'Stalls open at eight. fish bread');
  });
});
