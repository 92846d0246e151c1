// `wirefeed sources import` and `export`, run as a child process against a
// temporary config and database, as test/cli.test.ts runs the command.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { readOpml } from '../../src/opml/opml.js';
import { configWithSources, runCli, serveFixtures } from '../helpers.js';

const wirefeed = runCli;

/** A temporary folder with a config of these sources (YAML list items) and a database beside it. */
function desk(t: TestContext, sourcesYaml = '  []', extraYaml = ''): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-opml-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'config.yaml'), configWithSources(sourcesYaml, extraYaml));
  return { dir, env: { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') } };
}

/** The rows of the first table in the output whose header starts with `first`, as cells split on runs of spaces. */
function tableRows(output: string, first: string): string[][] {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${first} `));
  assert.notEqual(at, -1, `no table starting with "${first}" in:\n${output}`);
  const end = lines.findIndex((l, i) => i > at && l.trim() === '');
  return lines.slice(at + 2, end === -1 ? undefined : end).map((l) => l.trim().split(/\s{2,}/));
}

interface SourceRow {
  slug: string;
  name: string;
  url: string | null;
  site_url: string | null;
  categories: string;
  origin: string;
  enabled: number;
}

function storedSources(dbPath: string): SourceRow[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT slug, name, url, site_url, categories, origin, enabled FROM sources ORDER BY slug').all() as SourceRow[];
  } finally {
    db.close();
  }
}

const subscriptions = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Reader export</title></head>
  <body>
    <outline text="Climate">
      <outline text="Coast">
        <outline type="rss" text="Tide Watch" xmlUrl="https://tidewatch.example/feed.xml" htmlUrl="https://tidewatch.example/"/>
      </outline>
    </outline>
    <outline text="Transit news" title="Rail &amp; Road" type="rss" xmlUrl="https://railroad.example/rss" category="/News/Transport,Opinion"/>
    <outline type="rss" text="Desk" xmlUrl="https://other-desk.example/feed"/>
    <outline type="rss" text="Local copy" xmlUrl="file:///srv/feeds/local.rss"/>
    <outline type="rss" text="No address"/>
  </body>
</opml>
`;

describe('wirefeed sources import', () => {
  test('adds each http(s) feed as a source with slug, name, site URL and matched categories, and reports the rest', async (t) => {
    const { dir, env } = desk(t, '  - { slug: desk, name: Desk, url: https://desk.test/feed.xml }');
    writeFileSync(join(dir, 'subscriptions.opml'), subscriptions);
    const r = await wirefeed(['sources', 'import', join(dir, 'subscriptions.opml')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tableRows(r.stdout, 'action'), [
      ['added', 'tide-watch', 'https://tidewatch.example/feed.xml', 'climate'],
      ['added', 'rail-road', 'https://railroad.example/rss', 'transport'],
      ['added', 'desk-2', 'https://other-desk.example/feed'],
      ['skipped', 'Local copy', 'file:///srv/feeds/local.rss', 'not an http(s) URL'],
      ['skipped', 'No address', 'no xmlUrl'],
    ]);
    assert.match(r.stdout, /^Added 3, updated 0, skipped 2\.$/m);
    assert.match(r.stdout, /^Ignored categories \(no configured category has that slug or label\): Coast, Opinion\.$/m);
    assert.equal(r.stderr, '');
    assert.deepEqual(storedSources(env.WIREFEED_DB ?? ''), [
      { slug: 'desk', name: 'Desk', url: 'https://desk.test/feed.xml', site_url: null, categories: '[]', origin: 'config', enabled: 1 },
      { slug: 'desk-2', name: 'Desk', url: 'https://other-desk.example/feed', site_url: null, categories: '[]', origin: 'opml', enabled: 1 },
      { slug: 'rail-road', name: 'Rail & Road', url: 'https://railroad.example/rss', site_url: null, categories: '["transport"]', origin: 'opml', enabled: 1 },
      {
        slug: 'tide-watch',
        name: 'Tide Watch',
        url: 'https://tidewatch.example/feed.xml',
        site_url: 'https://tidewatch.example/',
        categories: '["climate"]',
        origin: 'opml',
        enabled: 1,
      },
    ]);
  });

  test('imported sources survive a restart with a config file that does not list them', async (t) => {
    const { dir, env } = desk(t, '  - { slug: desk, name: Desk, url: https://desk.test/feed.xml }');
    writeFileSync(join(dir, 'subscriptions.opml'), subscriptions);
    assert.equal((await wirefeed(['sources', 'import', join(dir, 'subscriptions.opml')], env)).code, 0);
    const r = await wirefeed(['sources'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      tableRows(r.stdout, 'source').map(([slug, status]) => [slug, status]),
      [
        ['desk', 'never fetched'],
        ['desk-2', 'never fetched'],
        ['rail-road', 'never fetched'],
        ['tide-watch', 'never fetched'],
      ],
    );
  });

  test('importing a list again updates the sources with the same URL instead of adding them twice', async (t) => {
    const { dir, env } = desk(t);
    writeFileSync(join(dir, 'subscriptions.opml'), subscriptions);
    assert.equal((await wirefeed(['sources', 'import', join(dir, 'subscriptions.opml')], env)).code, 0);
    writeFileSync(
      join(dir, 'renamed.opml'),
      subscriptions.replace('text="Tide Watch"', 'text="Tide Watch Daily" category="transport"').replace(' htmlUrl="https://tidewatch.example/"', ''),
    );
    const r = await wirefeed(['sources', 'import', join(dir, 'renamed.opml')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Added 0, updated 3, skipped 2\.$/m);
    const tide = storedSources(env.WIREFEED_DB ?? '').filter((s) => s.url === 'https://tidewatch.example/feed.xml');
    assert.deepEqual(tide, [
      {
        slug: 'tide-watch',
        name: 'Tide Watch Daily',
        url: 'https://tidewatch.example/feed.xml',
        site_url: null,
        categories: '["climate","transport"]',
        origin: 'opml',
        enabled: 1,
      },
    ]);
    assert.equal(storedSources(env.WIREFEED_DB ?? '').length, 3);
  });

  test('a feed the config file already has is skipped and left to the config file', async (t) => {
    const { dir, env } = desk(t, '  - { slug: tides, name: Tides, url: https://tidewatch.example/feed.xml }');
    writeFileSync(join(dir, 'subscriptions.opml'), subscriptions);
    const r = await wirefeed(['sources', 'import', join(dir, 'subscriptions.opml')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tableRows(r.stdout, 'action').find((row) => row[1] === 'Tide Watch'), ['skipped', 'Tide Watch', 'https://tidewatch.example/feed.xml', 'already in the config file as "tides"']);
    assert.deepEqual(
      storedSources(env.WIREFEED_DB ?? '').find((s) => s.slug === 'tides'),
      { slug: 'tides', name: 'Tides', url: 'https://tidewatch.example/feed.xml', site_url: null, categories: '[]', origin: 'config', enabled: 1 },
    );
  });

  test('an imported source is ingested like any other; on a local address only with admin.allow_private_sources', async (t) => {
    const server = await serveFixtures({
      '/feed.xml': {
        body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Tide Watch</title><link>https://tidewatch.example/</link><description>Tides</description>
<item><title>High tide warning</title><link>https://tidewatch.example/1</link><guid>https://tidewatch.example/1</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate><description>Water.</description></item>
</channel></rss>`,
      },
    });
    t.after(() => server.close());
    const importAndIngest = async (extraYaml: string) => {
      const { dir, env } = desk(t, '  []', extraYaml);
      writeFileSync(join(dir, 'one.opml'), `<opml version="1.0"><body><outline text="Tide Watch" xmlUrl="${server.url}/feed.xml"/></body></opml>`);
      assert.equal((await wirefeed(['sources', 'import', join(dir, 'one.opml')], env)).code, 0);
      return wirefeed(['ingest', '--once', '--source', 'tide-watch'], env);
    };
    const r = await importAndIngest('admin:\n  allow_private_sources: true\n');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^tide-watch\s+ok\s+1\s+1\s+0$/m);
    // Not from the config file: fetched from public addresses only.
    const refused = await importAndIngest('');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stdout, /^tide-watch\s+error\s+0\s+0\s+0\s+fetch: http:\/\/127\.0\.0\.1:\d+\/feed\.xml: .*non-public address$/m);
  });

  const malformed: { name: string; xml: string; problem: string }[] = [
    { name: 'an unclosed element', xml: '<opml version="2.0">\n<body>\n<outline text="a">\n</body>\n</opml>\n', problem: 'not well-formed XML: Unexpected close tag at line 4, column 7' },
    { name: 'an RSS feed', xml: '<rss version="2.0"><channel><title>x</title></channel></rss>', problem: 'the root element is <rss>, not <opml>' },
    { name: 'a list without a body', xml: '<opml version="2.0"><head><title>x</title></head></opml>', problem: 'no <body> element' },
  ];
  for (const c of malformed) {
    test(`a file that is ${c.name} exits 2 naming the file and the problem, and imports nothing`, async (t) => {
      const { dir, env } = desk(t);
      const file = join(dir, 'bad.opml');
      writeFileSync(file, c.xml);
      const r = await wirefeed(['sources', 'import', file], env);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `sources import: ${file} is not valid OPML: ${c.problem}\n`);
      assert.equal(r.stdout, '');
      assert.equal(existsSync(env.WIREFEED_DB ?? ''), false, 'the database is not even created');
    });
  }

  test('a file that does not exist exits 2 naming it', async (t) => {
    const { dir, env } = desk(t);
    const r = await wirefeed(['sources', 'import', join(dir, 'missing.opml')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^sources import: cannot read ${join(dir, 'missing.opml')}: ENOENT`));
  });

  test('import without a file is a usage error: exit 2 with the usage', async (t) => {
    const r = await wirefeed(['sources', 'import'], desk(t).env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: missing required argument 'file'/);
    assert.match(r.stderr, /Usage: wirefeed sources import \[options\] <file>/);
  });
});

describe('wirefeed sources export', () => {
  const sources = `  - { slug: harbor-wire, name: Harbor Wire & Co, url: https://harborwire.example/feed.xml, site_url: https://harborwire.example/, categories: [climate, transport] }
  - { slug: ledger, name: The Ledger, file: ledger.atom }
  - { slug: desk, name: Our Desk, articles: articles }
`;

  test('writes OPML 2.0 to standard output: head with title, RFC 822 date and no docs; every feed source, not article folders', async (t) => {
    const { dir, env } = desk(t, sources);
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = await wirefeed(['sources', 'export'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<opml version="2\.0">/);
    assert.match(r.stdout, /<title>Test Desk<\/title>/);
    assert.doesNotMatch(r.stdout, /<docs>/, 'no <docs>: the W3C validator reports it as an error');
    const date = /<dateCreated>([^<]+)<\/dateCreated>/.exec(r.stdout)?.[1] ?? '';
    assert.match(date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.ok(Date.parse(date) >= before && Date.parse(date) <= Date.now(), date);
    assert.deepEqual((await readOpml(r.stdout)).feeds, [
      {
        name: 'Harbor Wire & Co',
        xmlUrl: 'https://harborwire.example/feed.xml',
        htmlUrl: 'https://harborwire.example/',
        categories: ['climate', 'transport'],
      },
      { name: 'The Ledger', xmlUrl: `file://${join(dir, 'ledger.atom')}`, htmlUrl: undefined, categories: [] },
    ]);
    assert.match(r.stdout, / type="rss" /);
    assert.match(r.stdout, / category="climate,transport"/);
  });

  test('with a FILE writes it there and says how many sources it holds', async (t) => {
    const { dir, env } = desk(t, sources);
    const file = join(dir, 'feeds.opml');
    const r = await wirefeed(['sources', 'export', file], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Exported 2 sources to ${file}.\n`);
    assert.equal((await readOpml(readFileSync(file, 'utf8'))).feeds.length, 2);
  });

  test('a source the config file dropped is not exported', async (t) => {
    const { dir, env } = desk(t, sources);
    assert.equal((await wirefeed(['migrate'], env)).code, 0);
    writeFileSync(join(dir, 'config.yaml'), configWithSources('  - { slug: ledger, name: The Ledger, file: ledger.atom }'));
    const r = await wirefeed(['sources', 'export'], env);
    assert.deepEqual((await readOpml(r.stdout)).feeds.map((f) => f.name), ['The Ledger']);
  });

  // OPML has no slug: the slug comes back from the name, so these names make their slugs.
  test('export then import into a fresh database gives the same sources and the same list', async (t) => {
    const first = desk(
      t,
      `  - { slug: harbor-wire, name: Harbor Wire, url: https://harborwire.example/feed.xml, site_url: https://harborwire.example/, categories: [climate, transport] }
  - { slug: the-ledger-post, name: "The Ledger & \\"Post\\"", url: "http://ledger.example/atom?a=1&b=2" }
  - { slug: desk, name: Our Desk, articles: articles }
`,
    );
    const file = join(first.dir, 'feeds.opml');
    assert.equal((await wirefeed(['sources', 'export', file], first.env)).code, 0);

    const second = desk(t);
    const imported = await wirefeed(['sources', 'import', file], second.env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^Added 2, updated 0, skipped 0\.$/m);

    const fields = ({ slug, name, url, site_url, categories }: SourceRow) => ({ slug, name, url, site_url, categories });
    assert.deepEqual(
      storedSources(second.env.WIREFEED_DB ?? '').map(fields),
      storedSources(first.env.WIREFEED_DB ?? '').filter((s) => s.slug !== 'desk').map(fields),
    );
    const again = await wirefeed(['sources', 'export'], second.env);
    const withoutDate = (xml: string) => xml.trimEnd().replace(/<dateCreated>[^<]*<\/dateCreated>/, '');
    assert.equal(withoutDate(again.stdout), withoutDate(readFileSync(file, 'utf8')));
  });
});

describe('export then import on the same configuration (the demo: local feed files)', () => {
  test('the config file\'s sources, file:// ones included, are skipped as already configured, in the same or a fresh database', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-opml-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'feeds.opml');
    const exported = await wirefeed(['sources', 'export', file], { WIREFEED_DB: join(dir, 'a.db') });
    assert.equal(exported.stdout, `Exported 3 sources to ${file}.\n`);
    for (const db of ['a.db', 'b.db']) {
      const r = await wirefeed(['sources', 'import', file], { WIREFEED_DB: join(dir, db) });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        tableRows(r.stdout, 'action').map((row) => [row[0], row[1], row.at(-1)]),
        [
          ['skipped', 'Civic Pulse', 'already in the config file as "civic-pulse"'],
          ['skipped', 'Harbor Wire', 'already in the config file as "harbor-wire"'],
          ['skipped', 'The Northern Ledger', 'already in the config file as "northern-ledger"'],
        ],
      );
      assert.match(r.stdout, /^Added 0, updated 0, skipped 3\.$/m);
    }
  });
});

describe('sources remove, disable and enable', () => {
  test('an imported source is disabled, enabled and removed (no longer fetched, articles kept); a config source is refused with exit 2', async (t) => {
    const { dir, env } = desk(t, '  - { slug: configured, name: Configured, url: "https://configured.example/feed.xml" }');
    const list = join(dir, 'list.opml');
    writeFileSync(list, '<opml version="2.0"><head/><body><outline text="Tide Watch" xmlUrl="https://tidewatch.example/feed.xml"/></body></opml>');
    assert.equal((await wirefeed(['sources', 'import', list], env)).code, 0);
    const status = async () => Object.fromEntries(tableRows((await wirefeed(['sources'], env)).stdout, 'source').map((r) => [r[0], r[1]]));

    assert.deepEqual(await wirefeed(['sources', 'disable', 'tide-watch'], env), {
      code: 0,
      stdout: 'Disabled tide-watch: no longer fetched; its articles stay published (`wirefeed sources enable tide-watch` to fetch it again).\n',
      stderr: '',
    });
    assert.equal((await status())['tide-watch'], 'disabled');
    assert.equal((await wirefeed(['sources', 'enable', 'tide-watch'], env)).stdout, 'Enabled tide-watch: it is fetched at the next ingest.\n');
    assert.equal((await status())['tide-watch'], 'never fetched');
    const removed = await wirefeed(['sources', 'remove', 'tide-watch'], env);
    assert.match(removed.stdout, /^Removed tide-watch: no longer fetched; its articles stay published/);
    assert.equal((await status())['tide-watch'], 'disabled');

    const refused = await wirefeed(['sources', 'remove', 'configured'], env);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, `sources remove: source "configured" is in the config file ${env.WIREFEED_CONFIG}; remove it there\n`);
    const unknown = await wirefeed(['sources', 'disable', 'nope'], env);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, 'sources disable: no source "nope"; known: configured, tide-watch\n');
  });
});

describe('sources help', () => {
  for (const [command, words] of [
    ['import', /OPML 1\.0 or 2\.0[\s\S]*xmlUrl[\s\S]*category attribute[\s\S]*Example:\n {2}wirefeed sources import/],
    ['export', /OPML 2\.0\s+subscription list[\s\S]*standard output when absent/],
  ] as const) {
    test(`sources ${command} --help describes the command and exits 0 without touching the database`, async (t) => {
      const { env } = desk(t);
      const r = await wirefeed(['sources', command, '--help'], env);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^Usage: wirefeed sources ${command} `));
      assert.match(r.stdout, words);
      assert.equal(existsSync(env.WIREFEED_DB ?? ''), false);
    });
  }
});
