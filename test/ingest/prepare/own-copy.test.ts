// What a thread remembers of the documents it prepared (known-entries.ts) is
// the entries' guids and hashes, not the documents: a guid cut out of a feed
// by the XML parser is a slice that would keep the whole document alive
// (parse/own-copy.ts). Measured on the heap after a full collection, not by
// time: twenty documents of 1 MB each stay if the guids are slices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../../../src/config/config.js';
import { prepareDocument } from '../../../src/ingest/prepare/feed.js';
import type { Source } from '../../../src/model.js';
import { demoConfigPath } from '../../helpers.js';

// The collector, for this test's process only (node --test runs each file in a process of its own).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;

/** An RSS document of about 1 MB: twenty items with long guids and bodies of 50 KB. */
function document(n: number): Buffer {
  const items = Array.from({ length: 20 }, (_, i) => {
    const body = `Paragraph ${n}-${i} of a long report. `.repeat(1300);
    return `<item><guid isPermaLink="false">urn:wire:document-${n}-item-${i}</guid><title>Report ${n}-${i}</title>
      <link>https://wire.example/${n}/${i}</link><pubDate>Tue, 17 Nov 2026 08:15:00 GMT</pubDate>
      <description>About report ${n}-${i}.</description><content:encoded><![CDATA[<p>${body}</p>]]></content:encoded></item>`;
  });
  return Buffer.from(`<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>
<link>https://wire.example/</link><description>d</description>${items.join('\n')}</channel></rss>`);
}

test('the entries a thread remembers keep nothing of the documents they came from', async () => {
  const cfg = loadConfig({ WIREFEED_CONFIG: demoConfigPath, WIREFEED_DB: ':memory:' });
  const source: Source = { slug: 'wire', name: 'Wire', url: 'https://wire.example/feed', categories: [], everyMinutes: 15, id: 1, errorCount: 0, origin: 'config' };
  const now = new Date('2026-11-17T09:00:00Z');
  // Once first, so that the modules' own start-up is not counted.
  await prepareDocument(cfg, source, document(0), 'application/rss+xml', now);
  gc();
  const before = process.memoryUsage().heapUsed;
  let prepared = 0;
  for (let n = 1; n <= 20; n++) prepared += (await prepareDocument(cfg, source, document(n), 'application/rss+xml', now)).drafts.length;
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(prepared, 400, 'every entry was prepared, and so remembered');
  assert.ok(grown < 5 * MB, `the heap grew by ${(grown / MB).toFixed(1)} MB for 400 remembered entries of 20 documents of 1 MB`);
});
