// `wirefeed articles versions ID` as a real process: the corrections of an
// article the CLI itself re-published (`articles add --force`, another
// writer the trigger of migration 024 covers), as a table and as JSON, and
// the one-line errors (exit 2) for a bad, unknown or withdrawn id.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { openContext } from '../../src/context.js';
import { withdrawArticle } from '../../src/ingest/publish-article.js';
import { createLog } from '../../src/observe/log.js';
import { configWithSources, runCli } from '../helpers.js';

describe('wirefeed articles versions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-versions-'));
  const env = { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'w.db') };
  const draft = join(dir, 'drafts', 'harbour-reopens.md');
  const article = (title: string, body: string) => `---\ntitle: "${title}"\npublished: 2026-11-20T10:00:00Z\ncategories: [climate]\n---\n${body}\n`;

  before(async () => {
    mkdirSync(join(dir, 'articles'));
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(env.WIREFEED_CONFIG, configWithSources('  - { slug: desk, name: Desk, articles: articles, site_url: https://desk.test/news/ }'));
    writeFileSync(draft, article('Harbour reopens on Friday', 'PORT ELLING — The harbour reopened on Friday.'));
    assert.equal((await runCli(['articles', 'add', draft], env)).code, 0);
    writeFileSync(draft, article('Harbour reopens on Saturday', 'PORT ELLING — The harbour reopened on Saturday.'));
    const updated = await runCli(['articles', 'add', '--force', draft], env);
    assert.match(updated.stdout, /^Updated: /, updated.stderr);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('prints the current version and each earlier one: from, until, what changed, the title', async () => {
    const r = await runCli(['articles', 'versions', '1'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'http://feeds.test/articles/1: version 2, 1 earlier kept');
    assert.match(lines[1] ?? '', /^version\s+from\s+until\s+changed\s+title$/);
    assert.match(lines[3] ?? '', /^2\s+(\S+Z)\s+current\s+title summary body\s+Harbour reopens on Saturday$/);
    assert.match(lines[4] ?? '', /^1\s+2026-11-20T10:00:00\.000Z\s+\S+Z\s+-\s+Harbour reopens on Friday$/);
    // Version 2 began when version 1 ended.
    assert.equal(/^2\s+(\S+)/.exec(lines[3] ?? '')?.[1], /^1\s+\S+\s+(\S+)/.exec(lines[4] ?? '')?.[1]);
    assert.equal(lines.length, 5);
  });

  test('--json prints the admin API\'s JSON, the earlier body included', async () => {
    const r = await runCli(['articles', 'versions', '1', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { id: string; version: number; previous_versions: Record<string, unknown>[] };
    assert.equal(json.id, 'http://feeds.test/articles/1');
    assert.equal(json.version, 2);
    assert.equal(json.previous_versions.length, 1);
    assert.equal(json.previous_versions[0]?.title, 'Harbour reopens on Friday');
    assert.match(String(json.previous_versions[0]?.content_html), /reopened on Friday\./);
    assert.deepEqual(json.previous_versions[0]?.changed, ['title', 'summary', 'body'], 'the summary is the body\'s first paragraph');
  });

  test('a bad or unknown id is one line on standard error and exit 2', async () => {
    const bad = await runCli(['articles', 'versions', 'first'], env);
    assert.deepEqual([bad.code, bad.stderr], [2, 'articles versions: "first" is not an article id (a number, as in /articles/{id})\n']);
    const unknown = await runCli(['articles', 'versions', '99'], env);
    assert.deepEqual([unknown.code, unknown.stderr], [2, 'articles versions: no article 99\n']);
  });

  test('a withdrawn article has no versions to show', async () => {
    const ctx = openContext(loadConfig(env), createLog('silent'));
    try {
      withdrawArticle(ctx.db, 1);
    } finally {
      ctx.db.close();
    }
    const r = await runCli(['articles', 'versions', '1'], env);
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', 'articles versions: article 1 was withdrawn; its versions went with it\n']);
  });
});
