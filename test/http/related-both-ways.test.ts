// Links both ways, through the real ingest and HTTP (issue 18): when a
// follow-up arrives in a later poll, the earlier story lists it as a
// follow-up, and the feed that shows the earlier story changes (a new ETag,
// so a reader's conditional request gets the new list); a retelling of the
// same event by another source joins its story and the aggregate feed shows
// it once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { createApp, type App } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

interface Item {
  host: string;
  slug: string;
  title: string;
  summary: string;
  body: string;
  at: string;
}

function rss(items: readonly Item[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>f</title><link>https://${items[0]?.host ?? 'x.example'}/</link><description>d</description>
${items
  .map(
    (i) => `<item><title>${i.title}</title><link>https://${i.host}/${i.slug}</link><guid>${i.slug}</guid><pubDate>${new Date(i.at).toUTCString()}</pubDate>
<description>${i.summary}</description><content:encoded><![CDATA[${i.body
      .split('\n\n')
      .map((p) => `<p>${p}</p>`)
      .join('')}]]></content:encoded></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

const opening: Item = {
  host: 'gazette.example',
  slug: 'ferry-hits-breakwater',
  title: 'Ferry hits Gullhaven breakwater in fog, 23 hurt',
  summary: 'Four passengers were seriously injured when the Gull Maiden struck the harbour wall arriving from Inchmarrow.',
  body:
    'Twenty-three people were injured, four of them seriously, when the passenger ferry Gull Maiden struck the north breakwater at Gullhaven in dense fog on Monday.\n\n' +
    'The Gull Maiden, which runs between Gullhaven and the island of Inchmarrow for the Gullhaven Ferry Company, was carrying 112 passengers. The coastguard sent ambulances to the quay.',
  at: '2025-11-03T09:30:00Z',
};
const retold: Item = {
  host: 'courier.example',
  slug: 'passengers-injured-ferry',
  title: 'Passengers hurt as ferry strikes harbour wall',
  summary: 'The Inchmarrow ferry Gull Maiden hit the breakwater at Gullhaven in thick fog on Monday morning.',
  body:
    'At least twenty passengers were hurt when the ferry Gull Maiden struck the north breakwater at Gullhaven harbour in thick fog on Monday morning.\n\n' +
    'The vessel, run by the Gullhaven Ferry Company on the route from Inchmarrow, was carrying 112 passengers. Ambulances were at the quay, the coastguard said.',
  at: '2025-11-03T10:45:00Z',
};
const inquiry: Item = {
  host: 'courier.example',
  slug: 'inquiry-into-gull-maiden',
  title: 'Independent inquiry ordered into Gull Maiden collision',
  summary: 'The transport minister has ordered an inquiry into how the Gull Maiden ferry struck the Gullhaven breakwater.',
  body:
    'An independent inquiry will examine why the ferry Gull Maiden struck the north breakwater at Gullhaven in fog, the transport minister announced on Thursday.\n\n' +
    'Twenty-three passengers were hurt in the collision on the Inchmarrow route. The Gullhaven Ferry Company said it would co-operate fully with the inquiry into the Gull Maiden.',
  at: '2025-11-06T14:00:00Z',
};

describe('related stories both ways, through ingest and HTTP', () => {
  let server: FixtureServer;
  let ctx: TestContext;
  let app: App;
  const setFeeds = (gazette: Item[], courier: Item[]) => {
    server.routes.set('/gazette.xml', { body: rss(gazette) });
    server.routes.set('/courier.xml', { body: rss(courier) });
  };
  const ingest = async () => {
    for (const r of await runIngest(ctx, listSources(ctx.db))) assert.equal(r.status, 'ok', r.error);
  };
  const items = async () => (await request(app).get('/feeds/all.json').expect(200)).body.items as { url: string; _wirefeed: { related: { url: string; kind: string }[] } }[];

  before(async () => {
    server = await serveFixtures({});
    setFeeds([opening], [retold]);
    ctx = testContext(
      configWithSources(
        `  - { slug: gazette, name: Harbour Gazette, url: "${server.url}/gazette.xml" }\n  - { slug: courier, name: Port Courier, url: "${server.url}/courier.xml" }`,
      ),
    );
    app = createApp(ctx);
    await ingest();
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  test('a retelling in other words joins the story: /feeds/all shows it once, each lists the other as same-story', async () => {
    const shown = await items();
    assert.deepEqual(
      shown.map((i) => i.url),
      [`https://gazette.example/${opening.slug}`],
    );
    assert.deepEqual(
      shown[0]!._wirefeed.related.map((r) => [r.url, r.kind]),
      [[`https://courier.example/${retold.slug}`, 'same-story']],
    );
  });

  test('a follow-up in a later poll is listed by the earlier story, whose feed gets a new ETag', async () => {
    const before = await request(app).get('/feeds/all.json').expect(200);
    setFeeds([opening], [inquiry, retold]);
    await ingest();
    const after = await request(app).get('/feeds/all.json').set('If-None-Match', before.headers.etag as string).expect(200);
    assert.notEqual(after.headers.etag, before.headers.etag);
    const first = (after.body.items as Awaited<ReturnType<typeof items>>).find((i) => i.url === `https://gazette.example/${opening.slug}`);
    assert.ok(first);
    assert.deepEqual(
      first._wirefeed.related.map((r) => [r.url, r.kind]),
      [
        [`https://courier.example/${retold.slug}`, 'same-story'],
        [`https://courier.example/${inquiry.slug}`, 'follow-up'],
      ],
    );
    // The follow-up is its own story (three days on, another event), listing the earlier one back.
    const followUp = (after.body.items as Awaited<ReturnType<typeof items>>).find((i) => i.url === `https://courier.example/${inquiry.slug}`);
    assert.ok(followUp, 'the follow-up is a story of its own');
    assert.ok(followUp._wirefeed.related.some((r) => r.kind === 'computed'));
  });
});
