// The real `wirefeed` command, run as a child process against a temporary
// database. The entry is found next to this compiled file (../src/main.js),
// so the test runs whichever build it was compiled into.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import { listMigrations } from '../../src/store/db/db.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../src/paths.js';
import { configWithSources, demoConfigPath, runCli, until } from '../helpers.js';

const cliPath = fileURLToPath(new URL('../../src/main.js', import.meta.url));

const wirefeed = runCli;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const ingestColumns = ['source', 'status', 'seen', 'new', 'updated', 'error'];
const sourcesColumns = ['source', 'status', 'http', 'last fetch', 'next due', 'articles', 'errors', 'last error'];

/**
 * Reads the plain-text table with these column names out of the output: the
 * header, a rule of dashes per column, then one row per line until a blank.
 */
function readTable(output: string, columns: string[]): Record<string, string>[] {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.trim().split(/\s{2,}/).join('|') === columns.join('|'));
  assert.notEqual(at, -1, `no table with columns "${columns.join(', ')}" in:\n${output}`);
  const starts = [...(lines[at + 1] ?? '').matchAll(/-+/g)].map((m) => m.index ?? 0);
  assert.equal(starts.length, columns.length, `no rule of dashes under the header in:\n${output}`);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 2)) {
    if (line.trim() === '') break;
    rows.push(Object.fromEntries(columns.map((c, i) => [c, line.slice(starts[i], starts[i + 1]).trim()])));
  }
  return rows;
}

const row = (source: string, status: string, seen: number, added: number, updated: number, error = '') => ({
  source,
  status,
  seen: String(seen),
  new: String(added),
  updated: String(updated),
  error,
});

// What the demo content in config/demo holds.
const demoFirstRun = [
  row('civic-pulse', 'ok', 4, 4, 0),
  row('demo-desk', 'ok', 6, 6, 0),
  row('harbor-wire', 'ok', 6, 6, 0),
  row('northern-ledger', 'ok', 5, 5, 0),
];
const demoArticles: Record<string, string> = { 'civic-pulse': '4', 'demo-desk': '6', 'harbor-wire': '6', 'northern-ledger': '5' };

describe('wirefeed command line', () => {
  test('--help lists the serve, ingest, migrate, sources and articles commands and exits 0 without touching the database', async (t) => {
    const db = join(tempDir(t), 'w.db');
    const r = await wirefeed(['--help'], { WIREFEED_DB: db });
    assert.equal(r.code, 0);
    for (const command of ['serve', 'ingest', 'migrate', 'sources', 'articles']) {
      assert.match(r.stdout, new RegExp(`^ {2}${command}\\b`, 'm'), `"${command}" not listed in:\n${r.stdout}`);
    }
    assert.equal(existsSync(db), false);
  });

  test('--version prints the package version and exits 0 without touching the database', async (t) => {
    const db = join(tempDir(t), 'w.db');
    const r = await wirefeed(['--version'], { WIREFEED_DB: db });
    assert.deepEqual([r.code, r.stdout], [0, '0.1.0\n']);
    assert.equal(existsSync(db), false);
  });

  test('migrate on a new database creates the file and prints its schema version', async (t) => {
    const db = join(tempDir(t), 'data', 'w.db');
    const version = Math.max(...listMigrations().map((m) => m.version));
    const r = await wirefeed(['migrate'], { WIREFEED_DB: db });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Database ${db} is at schema version ${version}.\n`);
    assert.equal(r.stderr, '');
    assert.equal(existsSync(db), true);
  });

  test('ingest --once with the demo config ingests the 4 demo sources and prints a per-source table', async (t) => {
    const db = join(tempDir(t), 'w.db');
    const r = await wirefeed(['ingest', '--once'], { WIREFEED_DB: db });
    assert.equal(r.code, 0, r.stderr);
    // Piped: the table alone on standard output, progress on standard error.
    assert.equal(r.stderr.split('\n')[0], 'Ingesting 4 sources…');
    assert.match(r.stderr, /^\[\d\/4\] harbor-wire: 6 new, 0 updated$/m);
    assert.equal(r.stdout.split('\n')[0]?.split(/\s{2,}/).join('|'), ingestColumns.join('|'));
    assert.deepEqual(readTable(r.stdout, ingestColumns), demoFirstRun);
    assert.doesNotMatch(r.stderr, /"level"/, 'no log lines at the default level');
  });

  test('a second ingest --once finds every demo article already stored: 0 new and 0 updated for every source', async (t) => {
    const env = { WIREFEED_DB: join(tempDir(t), 'w.db') };
    assert.equal((await wirefeed(['ingest', '--once'], env)).code, 0);
    const r = await wirefeed(['ingest', '--once'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readTable(r.stdout, ingestColumns), [
      row('civic-pulse', 'ok', 4, 0, 0),
      row('demo-desk', 'ok', 6, 0, 0),
      row('harbor-wire', 'ok', 6, 0, 0),
      row('northern-ledger', 'ok', 5, 0, 0),
    ]);
  });

  test('ingest --once --source harbor-wire ingests only that source', async (t) => {
    const env = { WIREFEED_DB: join(tempDir(t), 'w.db') };
    const r = await wirefeed(['ingest', '--once', '--source', 'harbor-wire'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.split('\n')[0], 'Ingesting 1 source…');
    assert.deepEqual(readTable(r.stdout, ingestColumns), [row('harbor-wire', 'ok', 6, 6, 0)]);

    const sources = await wirefeed(['sources'], env);
    assert.deepEqual(
      readTable(sources.stdout, sourcesColumns).map((s) => [s.source, s.status, s.articles]),
      [
        ['civic-pulse', 'never fetched', '0'],
        ['demo-desk', 'never fetched', '0'],
        ['harbor-wire', 'ok', '6'],
        ['northern-ledger', 'never fetched', '0'],
      ],
    );
  });

  test('ingest --once --source with an unknown slug exits 2 naming the known sources', async (t) => {
    const r = await wirefeed(['ingest', '--once', '--source', 'nope'], { WIREFEED_DB: join(tempDir(t), 'w.db') });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ingest: no source "nope"; known: civic-pulse, demo-desk, harbor-wire, northern-ledger\n');
    assert.equal(r.stdout, '');
  });

  test('ingest without --once runs the schedule in the foreground (ingesting at once) until SIGTERM, then exits 0', async (t) => {
    const db = join(tempDir(t), 'w.db');
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_DB: db, WIREFEED_LOG_LEVEL: 'info' };
    delete env.WIREFEED_CONFIG;
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, [cliPath, 'ingest', '--config', demoConfigPath], { env });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(() => (stderr.match(/"event":"source_refreshed"/g) ?? []).length >= 4, `four sources ingested:\n${stderr}`, 20_000);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /^Ingesting on the schedule "\* \* \* \* \*", and once now, in the foreground/);
    assert.equal(stdout, '');
    const listed = await wirefeed(['sources'], { WIREFEED_DB: db });
    assert.ok(readTable(listed.stdout, sourcesColumns).every((r) => r.status === 'ok' && Number(r.articles) > 0), listed.stdout);
  });

  test('ingest --source without --once exits 2 and says why', async (t) => {
    const r = await wirefeed(['ingest', '--source', 'harbor-wire'], { WIREFEED_DB: join(tempDir(t), 'w.db') });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'ingest: --source needs --once (the schedule ingests every source when it is due)\n');
  });

  test('--version prints the version of package.json', async () => {
    const r = await wirefeed(['--version'], {});
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  test('--config FILE works on every command, before or after its name, like WIREFEED_CONFIG', async (t) => {
    const dir = tempDir(t);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, configWithSources('  - { slug: only-one, name: Only One, url: "https://only.example/feed.xml" }'));
    const env = { WIREFEED_DB: join(dir, 'w.db') };
    for (const args of [['sources', '--config', config], ['--config', config, 'sources', 'list']]) {
      const r = await wirefeed(args, env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readTable(r.stdout, sourcesColumns).map((row) => row.source), ['only-one']);
    }
    const missing = await wirefeed(['migrate', '--config', join(dir, 'nope.yaml')], env);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `config: cannot read ${join(dir, 'nope.yaml')}: no such file (set WIREFEED_CONFIG or --config to the YAML file)\n`);
    assert.match((await wirefeed(['ingest', '--help'], env)).stdout, /--config <file>/);
  });

  test('sources before any ingest lists every demo source as never fetched with 0 articles', async (t) => {
    const r = await wirefeed(['sources'], { WIREFEED_DB: join(tempDir(t), 'w.db') });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      readTable(r.stdout, sourcesColumns),
      ['civic-pulse', 'demo-desk', 'harbor-wire', 'northern-ledger'].map((source) => ({
        source,
        status: 'never fetched',
        http: '-',
        'last fetch': '-',
        'next due': '-',
        articles: '0',
        errors: '0',
        'last error': '',
      })),
    );
  });

  for (const args of [['sources'], ['sources', 'list']]) {
    test(`\`${args.join(' ')}\` after an ingest shows each source as ok with its article count`, async (t) => {
      const env = { WIREFEED_DB: join(tempDir(t), 'w.db') };
      const before = Date.now();
      assert.equal((await wirefeed(['ingest', '--once'], env)).code, 0);
      const r = await wirefeed(args, env);
      assert.equal(r.code, 0, r.stderr);
      const rows = readTable(r.stdout, sourcesColumns);
      assert.deepEqual(
        rows.map((s) => [s.source, s.status, s.articles, s.errors, s['last error']]),
        Object.entries(demoArticles).map(([source, count]) => [source, 'ok', count, '0', '']),
      );
      for (const s of rows) {
        const fetched = Date.parse(s['last fetch'] ?? '');
        assert.ok(fetched >= before - 1000 && fetched <= Date.now(), `${s.source}: last fetch "${s['last fetch']}"`);
        // Local files carry no HTTP status; each is next due one interval later.
        assert.equal(s.http, '-');
        assert.ok(Date.parse(s['next due'] ?? '') > fetched, `${s.source}: next due "${s['next due']}"`);
      }
    });
  }

  test('a source whose file is broken XML makes ingest --once exit 1 with a parse error on its row; the other source is ok', async (t) => {
    const dir = tempDir(t);
    writeFileSync(
      join(dir, 'good.rss'),
      `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Good</title><link>https://good.test/</link><description>Good news</description>
<item><title>One</title><link>https://good.test/1</link><guid>https://good.test/1</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate><description>First story.</description></item>
<item><title>Two</title><link>https://good.test/2</link><guid>https://good.test/2</guid><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate><description>Second story.</description></item>
</channel></rss>`,
    );
    writeFileSync(join(dir, 'broken.rss'), '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title><item><title>Oops</item></channel>\n');
    writeFileSync(
      join(dir, 'config.yaml'),
      `site:
  title: Test Desk
  base_url: http://feeds.test
  author: Test Desk
sources:
  - { slug: good, name: Good, file: good.rss }
  - { slug: broken, name: Broken, file: broken.rss }
`,
    );
    const env = { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') };
    const r = await wirefeed(['ingest', '--once'], env);
    assert.equal(r.code, 1, r.stderr);
    const [broken, good] = readTable(r.stdout, ingestColumns);
    assert.deepEqual(good, row('good', 'ok', 2, 2, 0));
    assert.deepEqual({ ...broken, error: '' }, row('broken', 'error', 0, 0, 0));
    assert.match(broken?.error ?? '', /^parse: not a readable feed: \S/);

    const sources = await wirefeed(['sources'], env);
    assert.deepEqual(
      readTable(sources.stdout, sourcesColumns).map((s) => [s.source, s.status, s.articles, s.errors, s['last error']]),
      [
        ['broken', 'error', '0', '1', broken?.error],
        ['good', 'ok', '2', '0', ''],
      ],
    );
  });

  for (const args of [['migrate'], ['ingest', '--once'], ['sources'], ['sources', 'list'], ['serve']]) {
    test(`a bad config file makes \`${args.join(' ')}\` exit 2 naming the bad key, before creating the database`, async (t) => {
      const dir = tempDir(t);
      writeFileSync(
        join(dir, 'config.yaml'),
        'site:\n  title: Test Desk\n  base_url: http://feeds.test\n  author: Test Desk\nsources:\n  - { slug: Bad Slug, name: Bad, file: bad.rss }\n',
      );
      const db = join(dir, 'w.db');
      const r = await wirefeed(args, { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: db, WIREFEED_PORT: '0' });
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        `config: ${join(dir, 'config.yaml')}: sources.0.slug: must be a lowercase slug (a-z, 0-9, dashes)\n`,
      );
      assert.equal(r.stdout, '');
      assert.equal(existsSync(db), false);
    });
  }
});

describe('wirefeed help and usage', () => {
  const commands: { args: string[]; says: RegExp }[] = [
    { args: ['serve'], says: /HTTP server and the ingest schedule/ },
    { args: ['ingest'], says: /per-source table[\s\S]*--once[\s\S]*--source <slug>/ },
    { args: ['migrate'], says: /create the database, or upgrade it/ },
    { args: ['sources'], says: /list +list every source[\s\S]*import <file>[\s\S]*export \[file\]/ },
    { args: ['sources', 'list'], says: /health: status, HTTP status, last fetch,\s+next due,\s+articles,\s+errors,\s+last\s+error/ },
    { args: ['sources', 'import'], says: /OPML 1\.0 or 2\.0/ },
    { args: ['sources', 'export'], says: /OPML 2\.0/ },
    { args: ['articles'], says: /add \[options\] <file> +publish a Markdown article/ },
    { args: ['articles', 'add'], says: /front matter[\s\S]*--force +replace an article/ },
  ];
  for (const c of commands) {
    test(`\`${c.args.join(' ')} --help\` describes the command and exits 0 without touching the database`, async (t) => {
      const db = join(tempDir(t), 'w.db');
      const r = await wirefeed([...c.args, '--help'], { WIREFEED_DB: db });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: wirefeed ${c.args.join(' ')} `));
      assert.match(r.stdout, c.says);
      assert.equal(existsSync(db), false);
    });
  }

  test('an unknown command is a usage error: exit 2 with the error and the usage on stderr', async (t) => {
    const r = await wirefeed(['publish'], { WIREFEED_DB: join(tempDir(t), 'w.db') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown command 'publish'\n/);
    assert.match(r.stderr, /Usage: wirefeed /);
    assert.equal(r.stdout, '');
  });

  test('an unknown option is a usage error: exit 2', async (t) => {
    const r = await wirefeed(['ingest', '--once', '--sauce', 'x'], { WIREFEED_DB: join(tempDir(t), 'w.db') });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown option '--sauce'/);
  });
});

describe('wirefeed ingest progress on a terminal', () => {
  // The child's stderr, where progress goes, is a pipe; this makes it say it is a terminal 60 columns wide.
  const asTerminal = ['--import', 'data:text/javascript,process.stderr.isTTY=true;process.stderr.columns=60;'];

  test('redraws one progress line in place ("[2/4] harbor-wire ok 6 new"), clears it, then prints the table', async (t) => {
    const r = await wirefeed(['ingest', '--once'], { WIREFEED_DB: join(tempDir(t), 'w.db') }, asTerminal);
    assert.equal(r.code, 0, r.stderr);
    const [first, progress = ''] = r.stderr.split('\n');
    assert.equal(first, 'Ingesting 4 sources…');
    const frames = progress.split('\r').slice(1);
    assert.equal(frames.length, 5, `four redraws and a clear in ${JSON.stringify(progress)}`);
    assert.deepEqual(frames.slice(0, 4).map((f) => f.replace(/^\[\d\/4\] /, '')).sort(), [
      'civic-pulse ok 4 new\x1b[K',
      'demo-desk ok 6 new\x1b[K',
      'harbor-wire ok 6 new\x1b[K',
      'northern-ledger ok 5 new\x1b[K',
    ]);
    assert.deepEqual(frames.slice(0, 4).map((f) => f.slice(0, 6)), ['[1/4] ', '[2/4] ', '[3/4] ', '[4/4] ']);
    assert.equal(frames[4], '\x1b[K', 'the progress line is cleared before the table');
    assert.deepEqual(readTable(r.stdout, ingestColumns), demoFirstRun);
    assert.doesNotMatch(r.stderr, /harbor-wire: 6 new/, 'no plain per-source lines on a terminal');
  });

  test('a line wider than the terminal is cut, so that the carriage return still redraws it', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'broken.rss'), '<rss><channel><title>Broken</title><item><title>Oops</item></channel>');
    writeFileSync(join(dir, 'config.yaml'), configWithSources('  - { slug: broken, name: Broken, file: broken.rss }'));
    const r = await wirefeed(['ingest', '--once'], { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') }, asTerminal);
    assert.equal(r.code, 1);
    // The log's warning for the failed source shares standard error (a terminal): the frame is the text after a carriage return.
    const frame = r.stderr.split('\n').find((l) => l.includes('\r[1/1]'))?.split('\r')[1] ?? '';
    assert.match(frame, /^\[1\/1\] broken error: parse: .*…\x1b\[K$/);
    assert.equal(frame.replace('\x1b[K', '').length, 59);
  });
});

describe('wirefeed articles add', () => {
  const article = (fields: string, body = 'PORT ELLING — The harbour reopened on Friday.\n') => `---\n${fields}\n---\n${body}`;
  const good = article('title: "Harbour reopens after the storm"\nauthor: "Mara Okonjo"\npublished: 2026-11-20T10:00:00Z\ncategories: [climate]');

  /** A temporary desk whose config has an article folder `articles` (empty) under site_url https://desk.test/news/. */
  function desk(t: TestContext, sources = '  - { slug: wire, name: Wire, file: wire.rss }\n  - { slug: desk, name: Desk, articles: articles, site_url: https://desk.test/news/ }') {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'articles'));
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(join(dir, 'wire.rss'), '<rss version="2.0"><channel><title>Wire</title></channel></rss>');
    writeFileSync(join(dir, 'config.yaml'), configWithSources(sources));
    return {
      dir,
      folder: join(dir, 'articles'),
      draft: (name: string, text: string) => {
        writeFileSync(join(dir, 'drafts', name), text);
        return join(dir, 'drafts', name);
      },
      env: { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') },
    };
  }

  test('copies the article into the first article folder, ingests that source and prints its id and URL', async (t) => {
    const d = desk(t);
    const r = await wirefeed(['articles', 'add', d.draft('harbour-reopens.md', good)], d.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Published: http://feeds.test/articles/1 (https://desk.test/news/harbour-reopens)\n');
    assert.equal(r.stderr, '');
    assert.equal(readFileSync(join(d.folder, 'harbour-reopens.md'), 'utf8'), good);
    const sources = await wirefeed(['sources'], d.env);
    assert.deepEqual(
      readTable(sources.stdout, sourcesColumns).map((s) => [s.source, s.status, s.articles]),
      [
        ['desk', 'ok', '1'],
        ['wire', 'never fetched', '0'],
      ],
    );
  });

  test('an article of the same file name is refused (exit 2) unless --force, which updates it in place', async (t) => {
    const d = desk(t);
    const draft = d.draft('harbour-reopens.md', good);
    assert.equal((await wirefeed(['articles', 'add', draft], d.env)).code, 0);
    const changed = good.replace('reopened on Friday', 'reopened on Friday morning');
    writeFileSync(draft, changed);

    const refused = await wirefeed(['articles', 'add', draft], d.env);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.stderr,
      `articles add: desk already has an article harbour-reopens.md (${join(d.folder, 'harbour-reopens.md')}); pass --force to replace it\n`,
    );
    assert.equal(readFileSync(join(d.folder, 'harbour-reopens.md'), 'utf8'), good);

    const forced = await wirefeed(['articles', 'add', '--force', draft], d.env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.stdout, 'Updated: http://feeds.test/articles/1 (https://desk.test/news/harbour-reopens)\n');
    assert.equal(readFileSync(join(d.folder, 'harbour-reopens.md'), 'utf8'), changed);
  });

  const bad: { name: string; file: string; text: string; stderr: string }[] = [
    {
      name: 'no title',
      file: 'no-title.md',
      text: article('published: 2026-11-20T10:00:00Z'),
      stderr: 'articles: no-title.md: title: is required\n',
    },
    {
      name: 'no published date',
      file: 'undated.md',
      text: article('title: "Undated"'),
      stderr: 'articles: undated.md: published: is required\n',
    },
    {
      name: 'a published date that is not a date',
      file: 'someday.md',
      text: article('title: "Someday"\npublished: next tuesday'),
      stderr: 'articles: someday.md: published: not a date: "next tuesday"\n',
    },
    {
      name: 'categories that are not a list',
      file: 'one-category.md',
      text: article('title: "One"\npublished: 2026-11-20T10:00:00Z\ncategories: climate'),
      stderr: 'articles: one-category.md: categories: must be a list, not the text "climate"\n',
    },
    {
      name: 'front matter that is not YAML (an unclosed quote)',
      file: 'unclosed.md',
      text: article('title: "Harbour reopens\npublished: 2026-11-20T10:00:00Z'),
      stderr: 'articles: unclosed.md: line 2, near field "title": the front matter is not valid YAML: unexpected end of the stream within a double quoted scalar\n',
    },
    {
      name: 'front matter that is not YAML (a bad indent)',
      file: 'indented.md',
      text: article('title: "Harbour"\npublished: 2026-11-20T10:00:00Z\n  author: x\n    tags: [a]'),
      stderr: 'articles: indented.md: line 5, near field "published": the front matter is not valid YAML: bad indentation of a mapping entry\n',
    },
    {
      name: 'a file name that cannot be a slug',
      file: 'Harbour Reopens.md',
      text: good,
      stderr: "articles add: {path}: the file name is the article's slug: a-z, 0-9 and dashes, ending in .md\n",
    },
  ];
  for (const c of bad) {
    test(`an article with ${c.name} exits 2 naming the file and the field, and nothing is copied or ingested`, async (t) => {
      const d = desk(t);
      const path = d.draft(c.file, c.text);
      const r = await wirefeed(['articles', 'add', path], d.env);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, c.stderr.replace('{path}', path));
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(d.folder), []);
      assert.equal(existsSync(d.env.WIREFEED_DB), false);
    });
  }

  test('with no source that has an articles folder it exits 2 and says so', async (t) => {
    const d = desk(t, '  - { slug: wire, name: Wire, file: wire.rss }');
    const r = await wirefeed(['articles', 'add', d.draft('harbour-reopens.md', good)], d.env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `articles add: no source in ${join(d.dir, 'config.yaml')} has an "articles" folder to publish into\n`);
  });

  test('a file that does not exist exits 2 naming it', async (t) => {
    const d = desk(t);
    const r = await wirefeed(['articles', 'add', join(d.dir, 'missing.md')], d.env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `articles add: cannot read ${join(d.dir, 'missing.md')}: no such file\n`);
  });
});
