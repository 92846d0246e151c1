// Our own regression corpus (test/corpus/feeds/, README "Tests"): one small
// feed per case the mature parsers' suites cover, each with the values a
// reader should get (test/corpus/expected/<file>.json: item count, and per
// item title, link and date, and author and enclosures where the case is
// about them), derived from the specs and cross-checked
// against the Universal Feed Parser. Every file goes through the whole
// per-document preparation (prepareDocument). A case we do not handle yet
// carries "todo": "<class>" in its expected file: it runs and shows as a
// todo, and the fix for that class removes the marker.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { type PreparedFeed, prepareDocument } from '../../src/ingest/prepare/feed.js';
import type { Source } from '../../src/model.js';
import { packageRoot } from '../../src/paths.js';
import { demoConfigPath } from '../helpers.js';

interface ExpectedEntry {
  title: string | null;
  link: string | null;
  date: string | null;
  author?: string;
  /** The media files kept besides the image, in order, as prepared. */
  enclosures?: { url: string; type: string; length?: number; title?: string; durationSeconds?: number }[];
}

interface Expected {
  /** Entries prepared; null for hostile cases, where only the safety checks count. */
  items: number | null;
  entries: ExpectedEntry[];
  /** The document is not a feed: it must be refused. */
  refused?: boolean;
  /** Not well-formed: refusing it is as good as reading what feedparser reads. */
  mayRefuse?: boolean;
  /** A hostile document: finishes quickly, and is refused or read without its payload. */
  hostile?: boolean;
  /** Text that must appear nowhere in what is prepared (e.g. a file an external entity names). */
  forbid?: string;
  forbidLinkScheme?: string;
  /** Every entry's content is too big: each is stored cut to ingest.max_content_bytes, and reported so. */
  capped?: boolean;
  /** The class of a case we fail today. */
  todo?: string;
  note?: string;
}

const corpus = join(packageRoot, 'test', 'corpus');
const cfg = loadConfig({ WIREFEED_CONFIG: demoConfigPath, WIREFEED_DB: ':memory:' });
// After every date in the corpus, so that none is capped; an entry without a date gets this one.
const now = new Date('2027-01-01T00:00:00Z');
const TIME_LIMIT_MS = 10_000;
const TITLE_CAP = 10_000;

/** The feed's own URL: what a link resolves against when nothing in the document gives a base. */
function corpusFeedUrl(file: string): string {
  return `https://corpus.example/feeds/${file}`;
}

function sourceFor(file: string): Source {
  return { slug: 'corpus', name: 'Corpus', url: corpusFeedUrl(file), categories: [], everyMinutes: 15, id: 1, errorCount: 0, origin: 'config' };
}

async function prepare(file: string): Promise<PreparedFeed> {
  const body = readFileSync(join(corpus, 'feeds', file));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`took longer than ${TIME_LIMIT_MS} ms`)), TIME_LIMIT_MS);
  });
  try {
    return await Promise.race([prepareDocument(cfg, sourceFor(file), body, undefined, now), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** A refusal is a ParseError or DecodeError with our own message, never an internal TypeError. */
function assertCleanRefusal(err: unknown): void {
  assert.ok(err instanceof Error, `threw a non-error: ${String(err)}`);
  assert.match(err.name, /^(ParseError|DecodeError)$/, `refused with ${err.name}: ${err.message}`);
}

const files = readdirSync(join(corpus, 'feeds')).sort();

test('every corpus feed has its expected values', () => {
  for (const file of files) assert.ok(readdirSync(join(corpus, 'expected')).includes(`${file}.json`), `${file} has no expected/${file}.json`);
});

for (const file of files) {
  const expected = JSON.parse(readFileSync(join(corpus, 'expected', `${file}.json`), 'utf8')) as Expected;
  test(file, { todo: expected.todo }, async () => {
    let feed: PreparedFeed;
    try {
      feed = await prepare(file);
    } catch (err) {
      if ((err as Error).message.startsWith('took longer')) throw err;
      assertCleanRefusal(err);
      assert.ok(expected.refused || expected.mayRefuse || expected.hostile, `refused: ${(err as Error).message}`);
      return;
    }
    assert.ok(!expected.refused, `read ${feed.drafts.length} items from a document that must be refused`);
    const { drafts } = feed;
    // Whatever came in, only http(s) media files are kept, ten at most.
    for (const d of drafts) {
      assert.ok((d.enclosures ?? []).length <= 10, `${d.enclosures?.length} enclosures`);
      for (const e of d.enclosures ?? []) assert.match(e.url, /^https?:\/\//, `enclosure ${e.url}`);
    }
    if (expected.hostile) {
      for (const d of drafts) {
        assert.ok(d.title.length <= TITLE_CAP, `a title of ${d.title.length} characters`);
        if (expected.forbid) assert.ok(!JSON.stringify(d).includes(expected.forbid), `prepared text holds ${expected.forbid}`);
      }
      return;
    }
    assert.equal(drafts.length, expected.items, `items: ${feed.problems.join('; ')}`);
    expected.entries.forEach((want, i) => {
      const got = drafts[i]!;
      const at = `item ${i + 1}`;
      assert.equal(got.title === '(untitled)' ? null : got.title, want.title, `${at} title`);
      if (want.link !== null) assert.equal(got.url, want.link, `${at} link`);
      if (expected.forbidLinkScheme) assert.ok(!got.url.startsWith(expected.forbidLinkScheme), `${at} link ${got.url}`);
      if (want.date === null) assert.equal(got.publishedAt.toISOString(), now.toISOString(), `${at} has no date, yet got one`);
      else assert.ok(Math.abs(got.publishedAt.getTime() - Date.parse(want.date)) <= 1000, `${at} date: ${got.publishedAt.toISOString()}, want ${want.date}`);
      if (want.author !== undefined) assert.equal(got.author, want.author, `${at} author`);
      if (want.enclosures !== undefined) assert.deepEqual(got.enclosures, want.enclosures, `${at} enclosures`);
    });
    if (expected.capped) {
      const cap = cfg.ingest.maxContentBytes;
      for (const d of drafts) {
        assert.ok(Buffer.byteLength(d.contentHtml) <= cap, `content of ${Buffer.byteLength(d.contentHtml)} bytes, over the cap of ${cap}`);
        assert.ok(Buffer.byteLength(d.bodyText) <= cap, `body text of ${Buffer.byteLength(d.bodyText)} bytes, over the cap of ${cap}`);
        assert.ok(d.contentHtml.length > cap / 2, `content cut far below the cap: ${d.contentHtml.length} characters`);
      }
      assert.equal(feed.capped.length, drafts.length, 'each cut entry is reported');
    }
  });
}
