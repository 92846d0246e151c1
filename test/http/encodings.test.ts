// Upstream feeds whose bytes and labels disagree: Latin-1 with no label, UTF-8
// labelled ISO-8859-1; and encodings known only from their bytes: EBCDIC,
// UTF-32 with no byte order mark. Titles are published as the upstream site meant them,
// never with U+FFFD or "CafÃ©".
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import request from 'supertest';
import { createApp } from '../../src/http/app.js';
import { runIngest } from '../../src/ingest/run.js';
import { packageRoot } from '../../src/paths.js';
import { listSources } from '../../src/store/sources.js';
import { configWithSources, type FixtureServer, serveFixtures, type TestContext, testContext } from '../helpers.js';

const rss = (declaration: string, site: string, title: string) =>
  `${declaration}<rss version="2.0"><channel><title>${site}</title><link>https://${site}.example/</link>` +
  `<item><title>${title}</title><link>https://${site}.example/1</link><guid>${site}-1</guid>` +
  `<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description>x</description></item></channel></rss>`;

const bytes = (body: Buffer, type: string) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': type }).end(body);
};

describe('feeds whose encoding label is missing or wrong', () => {
  let server: FixtureServer;
  let ctx: TestContext;

  before(async () => {
    server = await serveFixtures({
      // windows-1252 bytes, no XML declaration, no HTTP charset: UTF-8 would give U+FFFD.
      '/unlabelled.rss': bytes(iconv.encode(rss('', 'unlabelled', 'Café “Möwe” reopens'), 'windows-1252'), 'application/rss+xml'),
      // UTF-8 bytes that the XML declaration calls ISO-8859-1.
      '/mislabelled.rss': bytes(
        Buffer.from(rss('<?xml version="1.0" encoding="ISO-8859-1"?>', 'mislabelled', 'Café Möwe — 東京')),
        'application/rss+xml',
      ),
      // UTF-8 bytes that the HTTP charset calls ISO-8859-1.
      '/http-mislabelled.rss': bytes(Buffer.from(rss('', 'httpmislabelled', 'Crème brûlée night')), 'application/rss+xml; charset=iso-8859-1'),
      // EBCDIC (code page 500 under an IANA name), known only by its first bytes and its declaration.
      '/ebcdic.rss': bytes(readFileSync(join(packageRoot, 'test', 'corpus', 'feeds', 'enc-ebcdic-cp500.xml')), 'application/rss+xml'),
      // Big5 bytes, no declaration, no charset: detected.
      '/big5.rss': bytes(iconv.encode(rss('', 'big5', '臺北市今天天氣晴朗，氣溫二十五度'), 'big5'), 'application/rss+xml'),
      // UTF-32 big-endian with no byte order mark.
      '/utf32.rss': bytes(readFileSync(join(packageRoot, 'test', 'corpus', 'feeds', 'enc-utf32be-nobom.xml')), 'application/rss+xml'),
    });
    ctx = testContext(
      configWithSources(
        [
          `  - { slug: unlabelled, name: Unlabelled, url: "${server.url}/unlabelled.rss" }`,
          `  - { slug: mislabelled, name: Mislabelled, url: "${server.url}/mislabelled.rss" }`,
          `  - { slug: http-mislabelled, name: HTTP Mislabelled, url: "${server.url}/http-mislabelled.rss" }`,
          `  - { slug: ebcdic, name: EBCDIC, url: "${server.url}/ebcdic.rss" }`,
          `  - { slug: utf32, name: UTF-32, url: "${server.url}/utf32.rss" }`,
          `  - { slug: big5, name: Big5, url: "${server.url}/big5.rss" }`,
        ].join('\n'),
      ),
    );
    await runIngest(ctx, listSources(ctx.db));
  });

  after(async () => {
    ctx.close();
    await server.close();
  });

  const cases = [
    { name: 'Latin-1 bytes with no declaration are read as windows-1252', source: 'unlabelled', title: 'Café “Möwe” reopens' },
    { name: 'UTF-8 bytes declared ISO-8859-1 in the XML declaration are read as UTF-8', source: 'mislabelled', title: 'Café Möwe — 東京' },
    { name: 'UTF-8 bytes with an HTTP charset of ISO-8859-1 are read as UTF-8', source: 'http-mislabelled', title: 'Crème brûlée night' },
    { name: 'EBCDIC (code page 500, declared ebcdic-cp-be) is read', source: 'ebcdic', title: 'Brussels: café terraces reopen' },
    { name: 'UTF-32 without a byte order mark is read', source: 'utf32', title: 'Oslo: snow ploughs out early' },
    { name: 'Big5 with no label at all is detected, not read as windows-1252', source: 'big5', title: '臺北市今天天氣晴朗，氣溫二十五度' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const res = await request(createApp(ctx)).get(`/feeds/sources/${c.source}.json`).expect(200);
      assert.equal(res.body.items[0]?.title, c.title);
    });
  }
});
