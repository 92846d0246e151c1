import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Config, ConfigError, loadConfig } from '../../src/config/config.js';
import { packageRoot } from '../../src/paths.js';

/** A fresh folder, removed when the test ends. */
function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `yaml` as config.yaml in `dir` and returns its path. */
function writeConfig(dir: string, yaml: string): string {
  const path = join(dir, 'config.yaml');
  writeFileSync(path, yaml);
  return path;
}

const site = `site:
  title: Test Desk
  base_url: http://feeds.test
  author: Test Desk
`;

const categories = `categories:
  - slug: climate
    label: Climate
  - slug: transport
    label: Transport
`;

/** A valid configuration around the given YAML (site and two categories included). */
function config(rest: string): string {
  return site + categories + rest;
}

function assertConfigError(fn: () => unknown, expected: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.name, 'ConfigError');
    if (typeof expected === 'string') assert.equal(err.message, expected);
    else assert.match(err.message, expected);
    return true;
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('loadConfig rejects a bad configuration file with a ConfigError naming the key', () => {
  /** `message` gets the config file's path: a string is the whole message, a RegExp must match it. */
  const cases: { name: string; yaml: string; message: (path: string) => string | RegExp }[] = [
    {
      name: 'a source slug that is not a slug',
      yaml: config('sources:\n  - { slug: Harbor_Wire, name: Harbor, url: "http://harbor.test/feed" }\n'),
      message: (p) => `config: ${p}: sources.0.slug: must be a lowercase slug (a-z, 0-9, dashes)`,
    },
    {
      name: 'a source with both url and file',
      yaml: config('sources:\n  - { slug: harbor, name: Harbor, url: "http://harbor.test/feed", file: feed.xml }\n'),
      message: (p) => `config: ${p}: sources.0: needs exactly one of "url", "file" or "articles"`,
    },
    {
      name: 'a source with neither url, file nor articles',
      yaml: config('sources:\n  - { slug: harbor, name: Harbor }\n'),
      message: (p) => `config: ${p}: sources.0: needs exactly one of "url", "file" or "articles"`,
    },
    {
      name: 'a source url that is not http(s) or file',
      yaml: config('sources:\n  - { slug: harbor, name: Harbor, url: "ftp://harbor.test/feed" }\n'),
      message: (p) => `config: ${p}: sources.0.url: must be an http(s):// or file:// URL`,
    },
    {
      name: 'an unknown category in a source',
      yaml: config('sources:\n  - { slug: harbor, name: Harbor, file: feed.xml, categories: [climate, sport] }\n'),
      message: (p) => `config: ${p}: sources.0.categories.1: unknown category "sport"`,
    },
    {
      name: 'a site.base_url that is not a URL',
      yaml: 'site:\n  title: Test Desk\n  base_url: feeds dot test\n  author: Test Desk\n',
      message: (p) => `config: ${p}: site.base_url: must be an http(s) URL`,
    },
    {
      name: 'a publish.hub that is not an http(s) URL',
      yaml: config('publish:\n  hub: "hub.example/websub"\n'),
      message: (p) => `config: ${p}: publish.hub: must be an http(s) URL`,
    },
    {
      name: 'a websub lease below its minimum',
      yaml: config('websub:\n  lease_seconds: 60\n'),
      message: (p) => `config: ${p}: websub.lease_seconds: must be from websub.min_lease_seconds (3600) to websub.max_lease_seconds (2592000)`,
    },
    {
      name: 'a websub lease that is not whole seconds',
      yaml: config('websub:\n  max_lease_seconds: 3600.5\n'),
      message: (p) => `config: ${p}: websub.max_lease_seconds: must be an int, not the number 3600.5`,
    },
    {
      name: 'a websub minimum lease above the maximum',
      yaml: config('websub:\n  min_lease_seconds: 7200\n  max_lease_seconds: 3600\n'),
      message: (p) => `config: ${p}: websub.min_lease_seconds: must not be more than websub.max_lease_seconds`,
    },
    {
      name: 'an unknown websub key',
      yaml: config('websub:\n  leases: 5\n'),
      message: (p) => `config: ${p}: websub: unknown key "leases" (a misspelling, or a key in the wrong section?)`,
    },
    {
      name: 'an ingest.schedule that is not a cron expression',
      yaml: config('ingest:\n  schedule: every five minutes\n'),
      message: (p) => `config: ${p}: ingest.schedule: must be a cron expression, like "*/5 * * * *"`,
    },
    {
      name: 'a source fetched more often than once a minute',
      yaml: config('sources:\n  - { slug: harbor, name: Harbor, file: feed.xml, every: 10s }\n'),
      message: (p) => `config: ${p}: sources.0.every: must be a duration of at least one minute, like "15m" or "2h"`,
    },
    {
      name: 'a source interval that is not a duration',
      yaml: config('sources:\n  - { slug: harbor, name: Harbor, file: feed.xml, every: often }\n'),
      message: (p) => `config: ${p}: sources.0.every: must be a duration of at least one minute, like "15m" or "2h"`,
    },
    {
      name: 'an unknown top-level key',
      yaml: config('feeds: []\n'),
      message: (p) => `config: ${p}: (top level): unknown key "feeds" (a misspelling, or a key in the wrong section?)`,
    },
    {
      name: 'an unknown key inside a section',
      yaml: config('ingest:\n  workers: 4\n'),
      message: (p) => `config: ${p}: ingest: unknown key "workers" (a misspelling, or a key in the wrong section?)`,
    },
    {
      name: 'a missing required key',
      yaml: 'site:\n  title: Test Desk\n  base_url: http://feeds.test\n',
      message: (p) => `config: ${p}: site.author: is required`,
    },
    {
      name: 'two sources with the same slug',
      yaml: config(
        'sources:\n  - { slug: harbor, name: Harbor, file: a.xml }\n  - { slug: ledger, name: Ledger, file: b.xml }\n  - { slug: harbor, name: Harbor again, file: c.xml }\n',
      ),
      message: (p) => `config: ${p}: sources: slug "harbor" is used twice`,
    },
    {
      name: 'a boilerplate pattern that is not a regular expression',
      yaml: config('ingest:\n  boilerplate: ["^share this", "(unclosed"]\n'),
      message: (p) => new RegExp(`^config: ${escape(p)}: ingest\\.boilerplate\\.1: not a valid regular expression: Invalid regular expression: .*\\(unclosed`),
    },
    {
      name: 'a server timeout of zero (node:http would take it as no bound at all)',
      yaml: config('server:\n  idle_timeout_seconds: 0\n'),
      message: (p) => `config: ${p}: server.idle_timeout_seconds: must be a number of seconds, at least 0.001`,
    },
    {
      name: 'a header timeout longer than the request timeout',
      yaml: config('server:\n  headers_timeout_seconds: 40\n  request_timeout_seconds: 30\n'),
      message: (p) => `config: ${p}: server.headers_timeout_seconds: must not be more than server.request_timeout_seconds`,
    },
    {
      name: 'a YAML syntax error',
      yaml: 'site:\n  title: [Test Desk\n  base_url: http://feeds.test\n',
      message: (p) => new RegExp(`^config: ${escape(p)} is not valid YAML: line \\d+, column \\d+: [^\\n]+$`),
    },
  ];

  for (const c of cases) {
    test(c.name, (t) => {
      const path = writeConfig(tempDir(t), c.yaml);
      assertConfigError(() => loadConfig({ WIREFEED_CONFIG: path }), c.message(path));
    });
  }

  test('a missing file', (t) => {
    const path = join(tempDir(t), 'nowhere.yaml');
    assertConfigError(() => loadConfig({ WIREFEED_CONFIG: path }), `config: cannot read ${path}: no such file (set WIREFEED_CONFIG or --config to the YAML file)`);
  });

  test('a path that cannot be read as a file (a folder)', (t) => {
    const path = tempDir(t);
    assertConfigError(() => loadConfig({ WIREFEED_CONFIG: path }), `config: cannot read ${path}: it is a folder, not a file (set WIREFEED_CONFIG or --config to the YAML file)`);
  });

  test('an empty file (no site section)', (t) => {
    const path = writeConfig(tempDir(t), '# nothing here\n');
    assertConfigError(
      () => loadConfig({ WIREFEED_CONFIG: path }),
      `config: ${path}: site: is required`,
    );
  });
});

describe('loadConfig reports every problem at once', () => {
  test('every problem of the file and the environment is reported, a line each naming the file and the key, in plain words', (t) => {
    const path = writeConfig(tempDir(t), 'site:\n  title: T\nserver:\n  port: "80"\nsources:\n  - slug: A\n    name: a\n');
    assertConfigError(
      () => loadConfig({ WIREFEED_CONFIG: path, WIREFEED_PORT: 'x' }),
      [
        'site.base_url: is required',
        'site.author: is required',
        'server.port: must be a number, not the text "80"',
        'sources.0.slug: must be a lowercase slug (a-z, 0-9, dashes)',
        'sources.0: needs exactly one of "url", "file" or "articles"',
        'WIREFEED_PORT (environment): must be a port number, got "x"',
      ]
        .map((line) => `config: ${path}: ${line}`)
        .join('\n'),
    );
  });

  test('problems between keys (checked once every key is valid) are reported together too', (t) => {
    const path = writeConfig(
      tempDir(t),
      'site: { title: T, base_url: "http://x.test", author: A }\nserver: { headers_timeout_seconds: 60 }\nsources:\n  - { slug: a, name: A, file: a.xml, categories: [nope] }\n  - { slug: a, name: B, file: b.xml }\n',
    );
    assertConfigError(
      () => loadConfig({ WIREFEED_CONFIG: path }),
      [
        'server.headers_timeout_seconds: must not be more than server.request_timeout_seconds',
        'sources.0.categories.0: unknown category "nope"',
        'sources: slug "a" is used twice',
      ]
        .map((line) => `config: ${path}: ${line}`)
        .join('\n'),
    );
  });
});

describe('loadConfig environment overrides', () => {
  const fileYaml = 'site:\n  title: Test Desk\n  base_url: http://file.test/desk/\n  author: Test Desk\nserver:\n  port: 9090\ndatabase: data/file.db\n';

  test('without overrides the file gives the port, the database (relative to the file) and the base URL without its trailing slash', (t) => {
    const dir = tempDir(t);
    const cfg = loadConfig({ WIREFEED_CONFIG: writeConfig(dir, fileYaml) });
    assert.equal(cfg.port, 9090);
    assert.equal(cfg.databasePath, join(dir, 'data', 'file.db'));
    assert.equal(cfg.site.baseUrl, 'http://file.test/desk');
  });

  test('WIREFEED_PORT, WIREFEED_DB and WIREFEED_BASE_URL win over the file; the base URL loses its trailing slashes', (t) => {
    const dir = tempDir(t);
    const cfg = loadConfig({
      WIREFEED_CONFIG: writeConfig(dir, fileYaml),
      WIREFEED_PORT: '8181',
      WIREFEED_DB: join(dir, 'elsewhere', 'env.db'),
      WIREFEED_BASE_URL: 'https://env.test/news//',
    });
    assert.equal(cfg.port, 8181);
    assert.equal(cfg.databasePath, join(dir, 'elsewhere', 'env.db'));
    assert.equal(cfg.site.baseUrl, 'https://env.test/news');
  });

  test('WIREFEED_PORT 0 is accepted (any free port)', (t) => {
    const cfg = loadConfig({ WIREFEED_CONFIG: writeConfig(tempDir(t), fileYaml), WIREFEED_PORT: '0' });
    assert.equal(cfg.port, 0);
  });

  for (const port of ['abc', '70000', '-1', '80.5', '65536']) {
    test(`a WIREFEED_PORT of "${port}" is a ConfigError`, (t) => {
      const path = writeConfig(tempDir(t), fileYaml);
      assertConfigError(
        () => loadConfig({ WIREFEED_CONFIG: path, WIREFEED_PORT: port }),
        `config: ${path}: WIREFEED_PORT (environment): must be a port number, got "${port}"`,
      );
    });
  }

  test('a WIREFEED_BASE_URL that is not a URL is a ConfigError', (t) => {
    const path = writeConfig(tempDir(t), fileYaml);
    assertConfigError(
      () => loadConfig({ WIREFEED_CONFIG: path, WIREFEED_BASE_URL: 'feeds.test' }),
      `config: ${path}: WIREFEED_BASE_URL (environment): must be an http(s) URL, got "feeds.test"`,
    );
  });

  test('an empty WIREFEED_PORT is a ConfigError, not "any free port"', (t) => {
    const path = writeConfig(tempDir(t), fileYaml);
    assertConfigError(() => loadConfig({ WIREFEED_CONFIG: path, WIREFEED_PORT: '' }), `config: ${path}: WIREFEED_PORT (environment): must be a port number, got ""`);
  });

  test('an unknown WIREFEED_LOG_LEVEL is a ConfigError', (t) => {
    const path = writeConfig(tempDir(t), fileYaml);
    assertConfigError(
      () => loadConfig({ WIREFEED_CONFIG: path, WIREFEED_LOG_LEVEL: 'loud' }),
      `config: ${path}: WIREFEED_LOG_LEVEL (environment): must be one of trace, debug, info, warn, error, fatal, silent, got "loud"`,
    );
  });

  test('a base URL that is not http(s) is a ConfigError', (t) => {
    const path = writeConfig(tempDir(t), fileYaml);
    assertConfigError(
      () => loadConfig({ WIREFEED_CONFIG: path, WIREFEED_BASE_URL: 'javascript:alert(1)' }),
      `config: ${path}: WIREFEED_BASE_URL (environment): must be an http(s) URL, got "javascript:alert(1)"`,
    );
  });
});

describe('loadConfig result', () => {
  test('without ingest.boilerplate, the built-in patterns drop comment-login, share and read-more lines', (t) => {
    const cfg = loadConfig({ WIREFEED_CONFIG: writeConfig(tempDir(t), 'site:\n  title: T\n  base_url: http://t.test\n  author: T\n') });
    const matches = (line: string) => cfg.ingest.boilerplate.some((p) => p.test(line));
    for (const line of ['You must be logged in to post a comment.', 'Share this: Facebook | X | Email', 'Continue reading', 'Read more »']) {
      assert.ok(matches(line), line);
    }
    assert.ok(!matches('Shareholders voted on Tuesday.'));
  });

  test('relative file: and articles: paths resolve against the config file folder, not the working directory', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'conf'));
    const path = join(dir, 'conf', 'wirefeed.yaml');
    writeFileSync(
      path,
      config(`sources:
  - { slug: wire, name: Wire, file: feeds/wire.rss }
  - { slug: desk, name: Desk, articles: ../articles }
  - { slug: remote, name: Remote, url: "https://remote.test/feed.xml" }
`),
    );
    const cfg = loadConfig({ WIREFEED_CONFIG: path });
    assert.deepEqual(
      cfg.sources.map((s) => [s.slug, s.url, s.articlesDir]),
      [
        ['wire', pathToFileURL(join(dir, 'conf', 'feeds', 'wire.rss')).href, undefined],
        ['desk', undefined, join(dir, 'articles')],
        ['remote', 'https://remote.test/feed.xml', undefined],
      ],
    );
  });

  test('source defaults: no categories and a fetch every 15 minutes; "2h" becomes 120 minutes', (t) => {
    const path = writeConfig(
      tempDir(t),
      config('sources:\n  - { slug: a, name: A, file: a.xml }\n  - { slug: b, name: B, file: b.xml, every: 2h, categories: [climate] }\n'),
    );
    const cfg = loadConfig({ WIREFEED_CONFIG: path });
    assert.deepEqual(
      cfg.sources.map((s) => [s.slug, s.categories, s.everyMinutes]),
      [
        ['a', [], 15],
        ['b', ['climate'], 120],
      ],
    );
  });

  test('server bounds: defaults in milliseconds, and fractions of a second as whole milliseconds', (t) => {
    const defaults = loadConfig({ WIREFEED_CONFIG: writeConfig(tempDir(t), config('')) });
    assert.deepEqual(defaults.server, {
      idleTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      requestTimeoutMs: 30_000,
      maxConnections: 500,
      shutdownGraceMs: 10_000,
      writerHeartbeatMs: 2_000,
      writerTimeoutMs: 10_000,
      readers: availableParallelism(),
    });
    const yaml = 'server:\n  idle_timeout_seconds: 0.3\n  headers_timeout_seconds: 0.07\n  max_connections: 3\n  shutdown_grace_seconds: 2\n  readers: 3\n';
    const small = loadConfig({ WIREFEED_CONFIG: writeConfig(tempDir(t), config(yaml)) });
    assert.equal(small.port, 8080);
    assert.deepEqual(
      [small.server.idleTimeoutMs, small.server.headersTimeoutMs, small.server.maxConnections, small.server.shutdownGraceMs, small.server.readers],
      [300, 70, 3, 2000, 3],
    );
  });

  test('the writer lease: a takeover timeout under three heartbeats is an error naming both keys', (t) => {
    const fast = loadConfig({ WIREFEED_CONFIG: writeConfig(tempDir(t), config('server:\n  writer_heartbeat_seconds: 0.1\n  writer_timeout_seconds: 0.3\n')) });
    assert.deepEqual([fast.server.writerHeartbeatMs, fast.server.writerTimeoutMs], [100, 300]);
    const path = writeConfig(tempDir(t), config('server:\n  writer_heartbeat_seconds: 2\n  writer_timeout_seconds: 5\n'));
    assert.throws(() => loadConfig({ WIREFEED_CONFIG: path }), {
      name: 'ConfigError',
      message: `config: ${path}: server.writer_timeout_seconds: must be at least three times server.writer_heartbeat_seconds`,
    });
  });

  test('the returned config is deeply frozen: assigning or pushing throws', (t) => {
    const path = writeConfig(
      tempDir(t),
      config('ingest:\n  boilerplate: ["^share this"]\nsources:\n  - { slug: a, name: A, file: a.xml, categories: [climate] }\n'),
    );
    const cfg = loadConfig({ WIREFEED_CONFIG: path }) as Config;
    assert.ok(Object.isFrozen(cfg));
    assert.throws(() => {
      cfg.port = 1;
    }, TypeError);
    assert.throws(() => {
      cfg.site.baseUrl = 'http://evil.test';
    }, TypeError);
    assert.throws(() => {
      cfg.ingest.concurrency = 99;
    }, TypeError);
    assert.throws(() => cfg.sources.push(cfg.sources[0]!), TypeError);
    assert.throws(() => cfg.sources[0]!.categories.push('transport'), TypeError);
    assert.throws(() => cfg.categories.pop(), TypeError);
    assert.throws(() => cfg.ingest.boilerplate.push(/x/), TypeError);
    assert.equal(cfg.port, 8080);
    assert.equal(cfg.sources.length, 1);
    assert.deepEqual(cfg.sources[0]!.categories, ['climate']);
  });

  test('without WIREFEED_CONFIG the default config loads with its 4 demo sources', () => {
    const cfg = loadConfig({});
    const demo = join(packageRoot, 'config', 'demo');
    assert.equal(cfg.configPath, join(packageRoot, 'config', 'default.yaml'));
    assert.equal(cfg.port, 8080);
    assert.equal(cfg.site.baseUrl, 'http://localhost:8080');
    assert.equal(cfg.databasePath, join(packageRoot, 'data', 'wirefeed.db'));
    assert.equal(cfg.ingest.boilerplate.length, 3);
    assert.equal(cfg.categories.length, 9);
    assert.deepEqual(
      cfg.sources.map((s) => ({ slug: s.slug, url: s.url, articlesDir: s.articlesDir, categories: s.categories, everyMinutes: s.everyMinutes })),
      [
        { slug: 'demo-desk', url: undefined, articlesDir: join(demo, 'articles'), categories: [], everyMinutes: 5 },
        { slug: 'harbor-wire', url: pathToFileURL(join(demo, 'feeds', 'harbor-wire.rss')).href, articlesDir: undefined, categories: [], everyMinutes: 15 },
        { slug: 'northern-ledger', url: pathToFileURL(join(demo, 'feeds', 'northern-ledger.atom')).href, articlesDir: undefined, categories: [], everyMinutes: 15 },
        { slug: 'civic-pulse', url: pathToFileURL(join(demo, 'feeds', 'civic-pulse.json')).href, articlesDir: undefined, categories: ['politics'], everyMinutes: 30 },
      ],
    );
  });
});
