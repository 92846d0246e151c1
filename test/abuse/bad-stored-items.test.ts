// Issue 14: rendering does not trust stored data. Each case spoils one
// stored article (or its category, source, tags, related links) behind the
// pipeline's back, then asks for /feeds/all in every format: each answer is
// a 200 and well-formed, every other item is there, and the spoiled one is
// either left out (its own URL or dates are unusable: one warn log line
// names it and why) or kept with the bad field dropped or cleaned (a bad
// image, related link or source link is dropped; characters XML cannot
// carry are removed; text XML can carry, like "]]>", comes out as stored).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import request from 'supertest';
import xml2js from 'xml2js';
import { Writable } from 'node:stream';
import { createApp } from '../../src/http/app.js';
import { createLog } from '../../src/observe/log.js';
import { buildDocument } from '../../src/publish/document.js';
import { renderFeed } from '../../src/publish/render.js';
import { articlesByIds } from '../../src/store/articles/reads.js';
import { type AbuseServer, abuseServer } from './server.js';
import { jsonProblem, xmlProblem } from './well-formed.js';

const base = 'http://feeds.test';
const formats = ['rss', 'atom', 'json'] as const;
type Format = (typeof formats)[number];

/** One item as every format carries it, read back with xml2js or JSON.parse. */
interface ReadItem {
  id: string;
  title: string;
  link: string;
  content: string;
  author?: string;
  image?: string;
  /** Every enclosure URL, the image's too. */
  enclosures: string[];
  related: string[];
  relatedTitles: string[];
  categories: string[];
  tags: string[];
  source?: string;
  sourceLinks: string[];
}

type Node = Record<string, unknown> & { $?: Record<string, string>; _?: string };
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);
const text = (v: unknown): string => {
  const node = first(v);
  return typeof node === 'string' ? node : ((node as Node | undefined)?._ ?? '');
};
/** An item's HTML body without the categories and related list that publish.metadata_in_html ends it with (itemBodyHtml in publish/document.ts). */
const bodyOf = (content: string): string => content.replace(/(<p>Categories: (?:(?!<\/p>)[^])*<\/p>)?(<p>Related:<\/p><ul>[^]*<\/ul>)?$/, '');
const nodes = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : []);

async function readItems(format: Format, body: string): Promise<ReadItem[]> {
  if (format === 'json') {
    const doc = JSON.parse(body) as { items: Record<string, unknown>[] };
    return doc.items.map((i) => {
      const ext = i._wirefeed as { related: { url: string; title: string }[]; categories: { label: string }[]; source: { name: string; home_page_url: string | null; feed_url: string | null } };
      return {
        id: String(i.id),
        title: String(i.title),
        link: String(i.url),
        content: String(i.content_html ?? i.content_text),
        author: (i.authors as { name: string }[] | undefined)?.[0]?.name,
        image: i.image as string | undefined,
        enclosures: ((i.attachments ?? []) as { url: string }[]).map((a) => a.url),
        related: ext.related.map((r) => r.url),
        relatedTitles: ext.related.map((r) => r.title),
        categories: ext.categories.map((c) => c.label),
        tags: i.tags as string[],
        source: ext.source.name,
        sourceLinks: [ext.source.home_page_url, ext.source.feed_url].filter((u): u is string => u !== null),
      };
    });
  }
  const doc = (await xml2js.parseStringPromise(body)) as { rss?: { channel: Node[] }; feed?: Node };
  if (format === 'rss') {
    return nodes(doc.rss?.channel[0]?.item).map((i) => ({
      id: text(i.guid),
      title: text(i.title),
      link: text(i.link),
      content: text(i['content:encoded']),
      author: i['dc:creator'] ? text(i['dc:creator']) : undefined,
      image: (first(i['media:content']) as Node | undefined)?.$?.url,
      enclosures: nodes(i.enclosure).map((l) => l.$?.url ?? ''),
      related: nodes(i['atom:link']).map((l) => l.$?.href ?? ''),
      relatedTitles: nodes(i['atom:link']).map((l) => l.$?.title ?? ''),
      categories: nodes(i.category).map((c) => text([c])),
      tags: [],
      source: text(i.source),
      sourceLinks: nodes(i.source).map((l) => l.$?.url ?? ''),
    }));
  }
  return nodes(doc.feed?.entry).map((e) => {
    const links = nodes(e.link);
    const source = first(e.source) as Node | undefined;
    return {
      id: text(e.id),
      title: text(e.title),
      link: links.find((l) => !l.$?.rel || l.$.rel === 'alternate')?.$?.href ?? '',
      content: text(e.content),
      author: e.author ? text((first(e.author) as Node).name) : undefined,
      image: (first(e['media:content']) as Node | undefined)?.$?.url,
      enclosures: links.filter((l) => l.$?.rel === 'enclosure').map((l) => l.$?.href ?? ''),
      related: links.filter((l) => l.$?.rel === 'related').map((l) => l.$?.href ?? ''),
      relatedTitles: links.filter((l) => l.$?.rel === 'related').map((l) => l.$?.title ?? ''),
      categories: nodes(e.category).map((c) => c.$?.label ?? ''),
      tags: [],
      source: source ? text(source.title) : undefined,
      sourceLinks: nodes(source?.link).map((l) => l.$?.href ?? ''),
    };
  });
}

let s: AbuseServer;
/** The newest article in /feeds/all, and the one after it. */
let victim: number;
let second: number;
/** Every item id of /feeds/all before any case spoils anything. */
let baseline: string[];
const warnings: Record<string, unknown>[] = [];

const idOf = (article: number) => `${base}/articles/${article}`;

before(async () => {
  s = await abuseServer();
  const ids = s.ctx.db
    .prepare('SELECT id FROM articles WHERE story_id IS NULL AND withdrawn_at IS NULL ORDER BY published_at DESC, id DESC LIMIT 2')
    .pluck()
    .all() as number[];
  [victim = 0, second = 0] = ids;
  const res = await request(s.url).get('/feeds/all.json').expect(200);
  baseline = (res.body as { items: { id: string }[] }).items.map((i) => i.id);
  assert.ok(baseline.includes(idOf(victim)) && baseline.includes(idOf(second)));
});
after(() => s.close());
beforeEach(() => {
  warnings.length = 0;
});

/** A logger whose lines land in `warnings`. */
function warningLog() {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push(...chunk.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  return createLog('warn', sink);
}

/**
 * Runs the `spoil` statements inside a savepoint, asks a fresh app (so no
 * render is cached) for /feeds/all in every format, hands the items over,
 * and rolls the change back. Statements take :victim, :second and `params`.
 */
async function withSpoiled(spoil: string | string[], params: Record<string, unknown>, check: (format: Format, items: ReadItem[]) => void | Promise<void>) {
  const { db } = s.ctx;
  db.exec('SAVEPOINT spoiled');
  try {
    for (const sql of [spoil].flat()) {
      const statement = db.prepare(sql);
      const all: Record<string, unknown> = { victim, second, ...params };
      const used = Object.fromEntries(Object.entries(all).filter(([name]) => sql.includes(`:${name}`)));
      statement.run(used);
    }
    const app = createApp({ ...s.ctx, log: warningLog() });
    for (const format of formats) {
      const res = await request(app).get(`/feeds/all.${format}`);
      assert.equal(res.status, 200, `${format}: ${res.status} ${res.text.slice(0, 200)}`);
      const problem = format === 'json' ? jsonProblem(res.text) : await xmlProblem(res.text);
      assert.equal(problem, undefined, `${format}: not well-formed`);
      await check(format, await readItems(format, res.text));
    }
  } finally {
    db.exec('ROLLBACK TO spoiled; RELEASE spoiled');
  }
}

function itemOf(items: ReadItem[], article: number, format: Format): ReadItem {
  const item = items.find((i) => i.id === idOf(article));
  assert.ok(item, `${format}: article ${article} is kept`);
  return item;
}

/**
 * The spoiled articles are gone, every other item is there, and each was
 * logged once per format with why; `why` undefined: left out unlogged, as a
 * time in the future is not yet published (an embargo: 023_embargoes.sql)
 * and never reaches rendering.
 */
function assertLeftOut(format: Format, items: ReadItem[], articles: number[], why: RegExp | undefined) {
  const ids = items.map((i) => i.id);
  assert.deepEqual(ids, baseline.filter((id) => !articles.map(idOf).includes(id)), `${format}: the rest, in order`);
  for (const article of articles) {
    if (why === undefined) {
      assert.equal(warnings.filter((w) => w.article_id === article).length, 0, `${format}: not yet published, nothing to warn of`);
      continue;
    }
    const lines = warnings.filter((w) => w.event === 'feed_item_dropped' && w.article_id === article);
    assert.equal(lines.length, formats.indexOf(format) + 1, `${format}: one warn line for article ${article} per render`);
    assert.match(String(lines[0]?.reason), why);
  }
}

describe('an item whose own URL or dates are unusable is left out', () => {
  for (const [name, spoil, why] of [
    ['a relative URL', `UPDATE articles SET url = '/relative' WHERE id = :victim`, /url/],
    ['a javascript: URL', `UPDATE articles SET url = 'javascript:alert(1)' WHERE id = :victim`, /url/],
    ['a URL that is no URL', `UPDATE articles SET url = 'not a url' WHERE id = :victim`, /url/],
    ['an empty URL', `UPDATE articles SET url = '' WHERE id = :victim`, /url/],
    ['a URL with a space in its host', `UPDATE articles SET url = 'https://exa mple.com/x' WHERE id = :victim`, /url/],
    ['a publication time past any date (NaN): not yet published', `UPDATE articles SET published_at = 9e18 WHERE id = :victim`, undefined],
    ['an update time that is text', `UPDATE articles SET updated_at = 'garbage' WHERE id = :victim`, /updated/],
    ['a publication time in the year 10000: not yet published', `UPDATE articles SET published_at = 253402300800000 WHERE id = :victim`, undefined],
    ['a publication time before year 0', `UPDATE articles SET published_at = -62167219200001 WHERE id = :victim`, /published/],
  ] as const) {
    test(name, async () => {
      await withSpoiled(spoil, {}, (format, items) => assertLeftOut(format, items, [victim], why));
    });
  }

  test('two spoiled items are both left out', async () => {
    await withSpoiled(`UPDATE articles SET url = CASE id WHEN :victim THEN '/a' ELSE url END, updated_at = CASE id WHEN :second THEN 9e18 ELSE updated_at END WHERE id IN (:victim, :second)`, {}, (format, items) =>
      assertLeftOut(format, items, [victim, second], /url|updated/),
    );
  });

  test('every item spoiled: an empty feed, still valid', async () => {
    await withSpoiled(`UPDATE articles SET url = '/x'`, {}, (format, items) => assert.deepEqual(items, [], format));
  });
});

describe('characters XML cannot carry are removed, the item kept', () => {
  const controls = 'a\u0000b\u0001c\u0008d\u000be\u000cf\u001bg\u001fh\ufffei\uffffj';
  const cleaned = 'abcdefghij';
  for (const column of ['title', 'author'] as const) {
    test(`in the ${column}`, async () => {
      await withSpoiled(`UPDATE articles SET ${column} = :value WHERE id = :victim`, { value: controls }, (format, items) => {
        const item = itemOf(items, victim, format);
        assert.equal(column === 'title' ? item.title : item.author, cleaned, format);
        assert.ok(warnings.some((w) => w.event === 'feed_item_repaired' && w.article_id === victim), 'logged');
      });
    });
  }

  test('in the summary and the content', async () => {
    await withSpoiled(`UPDATE articles SET summary = :value, content_html = :html WHERE id = :victim`, { value: controls, html: `<p>${controls}</p>` }, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.equal(bodyOf(item.content), `<p>${cleaned}</p>`, format);
    });
  });

  test('in the rights, the image caption and credit, a related title, a tag, a category label and the source name', async () => {
    const spoil = [
      `UPDATE articles SET rights = :value, image_url = 'https://img.example/a.jpg', image_caption = :value, image_credit = :value WHERE id = :victim`,
      `INSERT INTO related (article_id, position, url, title, kind) VALUES (:victim, 90, 'https://other.example/r', :value, 'explicit')`,
      `INSERT OR REPLACE INTO article_tags (article_id, slug, label, published_at) VALUES (:victim, 'spoiled', :value, 0)`,
      `INSERT OR IGNORE INTO article_categories (article_id, category_slug, published_at) VALUES (:victim, 'climate', 0)`,
      `UPDATE categories SET label = :value WHERE slug = 'climate'`,
      `UPDATE sources SET name = :value WHERE id = (SELECT source_id FROM articles WHERE id = :victim)`,
    ];
    await withSpoiled(spoil, { value: controls }, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.ok(item.relatedTitles.includes(cleaned), `${format}: related title ${JSON.stringify(item.relatedTitles)}`);
      assert.ok(item.categories.includes(cleaned), `${format}: category ${JSON.stringify(item.categories)}`);
      assert.equal(item.source, cleaned, `${format}: source name`);
      if (format === 'json') assert.ok(item.tags.includes(cleaned), `json: tag ${JSON.stringify(item.tags)}`);
    });
  });

  // better-sqlite3 writes a lone surrogate as its three-byte encoding and
  // reads those bytes back as three U+FFFD: no lone surrogate survives the
  // database, and what it gives back renders as it is.
  test('a lone surrogate comes back from the database as U+FFFD and renders', async () => {
    const title = () => s.ctx.db.prepare('SELECT title FROM articles WHERE id = ?').pluck().get(victim) as string;
    await withSpoiled(`UPDATE articles SET title = :value WHERE id = :victim`, { value: 'a\ud800b\udc00c' }, (format, items) => {
      assert.match(title(), /^a\ufffd+b\ufffd+c$/);
      assert.equal(itemOf(items, victim, format).title, title(), format);
    });
  });
});

describe('text XML can carry comes out as stored', () => {
  test('"]]>" (twice) in the title, summary and content', async () => {
    const value = 'a]]>b]]>c ]]]]>';
    await withSpoiled(`UPDATE articles SET title = :value, summary = :value, content_html = :html WHERE id = :victim`, { value, html: `<p>${value}</p>` }, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.equal(item.title, value, format);
      assert.equal(bodyOf(item.content), `<p>${value}</p>`, format);
    });
  });

  test('markup characters in a category label and a related title', async () => {
    const label = 'R&D <b> "quoted" \'single\' &amp;';
    const spoil = [
      `INSERT OR IGNORE INTO article_categories (article_id, category_slug, published_at) VALUES (:victim, 'climate', 0)`,
      `INSERT INTO related (article_id, position, url, title, kind) VALUES (:victim, 90, 'https://other.example/r?a=1&b=2', :label, 'explicit')`,
      `UPDATE categories SET label = :label WHERE slug = 'climate'`,
    ];
    await withSpoiled(spoil, { label }, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.ok(item.categories.includes(label), `${format}: ${JSON.stringify(item.categories)}`);
      assert.ok(item.relatedTitles.includes(label), `${format}: ${JSON.stringify(item.relatedTitles)}`);
      assert.ok(item.related.includes('https://other.example/r?a=1&b=2'), format);
    });
  });

  test('extremely long fields', async () => {
    const title = 'Long '.repeat(20_000);
    const html = `<p>${'word '.repeat(400_000)}</p>`;
    await withSpoiled(`UPDATE articles SET title = :title, content_html = :html WHERE id = :victim`, { title, html }, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.equal(item.title.length, title.length, format);
      assert.equal(bodyOf(item.content).length, html.length, format);
    });
  });
});

describe('a bad link inside an item is dropped, the item kept', () => {
  for (const [name, url] of [
    ['relative', '/media/a.jpg'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:image/png;base64,AAAA'],
    ['no URL at all', 'not a url'],
  ] as const) {
    test(`an image URL that is ${name}`, async () => {
      await withSpoiled(`UPDATE articles SET image_url = :url, image_caption = 'Caption' WHERE id = :victim`, { url }, (format, items) => {
        const item = itemOf(items, victim, format);
        assert.equal(item.image, undefined, `${format}: no image`);
        assert.ok(warnings.some((w) => w.event === 'feed_item_repaired' && w.article_id === victim && /image/.test(String(w.repairs))), 'logged');
      });
    });
  }

  test('a related link with a bad URL; the good one stays', async () => {
    const spoil = [
      `INSERT INTO related (article_id, position, url, title, kind) VALUES (:victim, 91, 'https://other.example/good', 'Good', 'explicit')`,
      `INSERT INTO related (article_id, position, url, title, kind) VALUES (:victim, 92, 'javascript:alert(1)', 'Bad', 'explicit')`,
      `INSERT INTO related (article_id, position, url, title, kind) VALUES (:victim, 93, '/relative', 'Worse', 'computed')`,
    ];
    await withSpoiled(spoil, {}, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.ok(item.related.includes('https://other.example/good'), format);
      assert.deepEqual(
        item.related.filter((u) => !/^https?:\/\//.test(u)),
        [],
        `${format}: ${JSON.stringify(item.related)}`,
      );
    });
  });

  test('enclosures with bad URLs; the good one stays', async () => {
    const enclosures = JSON.stringify([
      { url: 'javascript:alert(1)', type: 'audio/mpeg' },
      { url: '/relative.mp3', type: 'audio/mpeg' },
      { url: 'https://cdn.example/good.mp3', type: 'audio/mpeg', length: 10 },
    ]);
    await withSpoiled(`UPDATE articles SET image_url = NULL, enclosures = :enclosures WHERE id = :victim`, { enclosures }, (format, items) => {
      assert.deepEqual(itemOf(items, victim, format).enclosures, ['https://cdn.example/good.mp3'], format);
      assert.ok(warnings.some((w) => w.event === 'feed_item_repaired' && w.article_id === victim && /enclosure/.test(String(w.repairs))), 'logged');
    });
  });

  for (const [name, value] of [
    ['not JSON', '[{"url": '],
    ['not a list', '{"url": "https://cdn.example/a.mp3"}'],
    ['a list of the wrong things', '[1, null, "https://cdn.example/a.mp3", {"url": 5, "type": "audio/mpeg"}]'],
  ] as const) {
    test(`an enclosures column that is ${name}: the item is kept without enclosures`, async () => {
      await withSpoiled(`UPDATE articles SET image_url = NULL, enclosures = :value WHERE id = :victim`, { value }, (format, items) => {
        assert.deepEqual(itemOf(items, victim, format).enclosures, [], format);
      });
    });
  }

  test("the source's site and feed URLs", async () => {
    await withSpoiled(`UPDATE sources SET site_url = 'javascript:alert(1)', url = 'http://exa mple.com/feed' WHERE id = (SELECT source_id FROM articles WHERE id = :victim)`, {}, (format, items) => {
      const item = itemOf(items, victim, format);
      assert.deepEqual(item.sourceLinks.filter((u) => !u.startsWith(base) && !/^https?:\/\/[^\s]+$/.test(u)), [], format);
      assert.ok(!item.sourceLinks.some((u) => u.includes('javascript:') || u.includes(' ')), `${format}: ${JSON.stringify(item.sourceLinks)}`);
    });
  });
});

describe('names that feed titles are made of', () => {
  // A category's label, a source's name and a tag's label title their own
  // feeds and the OPML list; what XML cannot carry is left out of them.
  test('with characters XML cannot carry still make well-formed feeds, OPML and index', async () => {
    const controls = 'Na\u0000me\u0001\ufffe';
    const { db } = s.ctx;
    const [source, tag] = [
      db.prepare('SELECT slug FROM sources WHERE id = (SELECT source_id FROM articles WHERE id = ?)').pluck().get(victim) as string,
      db.prepare('SELECT slug FROM article_tags LIMIT 1').pluck().get() as string,
    ];
    db.exec('SAVEPOINT names');
    try {
      db.prepare('UPDATE sources SET name = ?, site_url = ? WHERE slug = ?').run(controls, 'javascript:alert(1)', source);
      db.prepare(`UPDATE categories SET label = ? WHERE slug = 'climate'`).run(controls);
      db.prepare('UPDATE article_tags SET label = ? WHERE slug = ?').run(controls, tag);
      const app = createApp({ ...s.ctx, log: warningLog() });
      for (const path of [`/feeds/sources/${source}`, '/feeds/categories/climate', `/feeds/tags/${encodeURIComponent(tag)}`]) {
        for (const format of formats) {
          const res = await request(app).get(`${path}.${format}`).expect(200);
          assert.equal(format === 'json' ? jsonProblem(res.text) : await xmlProblem(res.text), undefined, `${path}.${format}`);
          assert.ok(res.text.includes('Name'), `${path}.${format}: the name, cleaned, titles the feed`);
        }
      }
      const opml = await request(app).get('/opml').expect(200);
      assert.equal(await xmlProblem(opml.text), undefined, 'OPML');
      assert.ok(!opml.text.includes('javascript:'), 'OPML: no javascript: site link');
      await request(app).get('/').expect(200);
    } finally {
      db.exec('ROLLBACK TO names; RELEASE names');
    }
  });
});

describe('the last resort: a render that still throws', () => {
  // Items that renderable.ts would have stopped, handed to the renderer
  // directly: a relative link (RSS and Atom throw) and a publication time
  // that is NaN (Atom and JSON Feed throw).
  test('is redone item by item, and only the item that broke it is left out', async () => {
    const [newest, broken, older] = articlesByIds(s.ctx.db, baseline.slice(0, 3).map((id) => Number(id.split('/').pop())));
    assert.ok(newest && broken && older);
    const spoiled = { ...broken, url: '/relative', publishedAt: new Date(Number.NaN) };
    const doc = buildDocument(s.ctx.cfg, { path: '/feeds/all', title: 'All', description: 'Everything' }, [newest, spoiled, older]);
    for (const format of formats) {
      warnings.length = 0;
      const body = renderFeed(doc, format, warningLog());
      assert.equal(format === 'json' ? jsonProblem(body) : await xmlProblem(body), undefined, format);
      const ids = (await readItems(format, body)).map((i) => i.id);
      assert.deepEqual(ids, [idOf(newest.id), idOf(older.id)], format);
      const [line] = warnings.filter((w) => w.event === 'feed_item_dropped');
      assert.equal(line?.article_id, broken.id, format);
      assert.match(String(line?.reason), new RegExp(`the ${format} renderer failed`), format);
    }
  });

  test('a failure that is no item\'s (the channel\'s) is thrown, for the app to answer 500 and log', () => {
    const [article] = articlesByIds(s.ctx.db, [victim]);
    assert.ok(article);
    const doc = { ...buildDocument(s.ctx.cfg, { path: '/feeds/all', title: 'All', description: 'Everything' }, [article]), updated: new Date(Number.NaN) };
    assert.throws(() => renderFeed(doc, 'atom', warningLog()), RangeError);
  });
});
