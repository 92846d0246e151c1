// Embargoes from the command line, as real processes: `articles add` of a
// file whose front matter holds it back says until when, and the public
// feed does not have it; `partners add --embargoed` and `partners update`
// grant and withdraw the permission to get such articles early.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import { openContext } from '../../src/context.js';
import { createApp } from '../../src/http/app.js';
import { createLog } from '../../src/observe/log.js';
import { configWithSources } from '../helpers.js';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));

describe('embargoes from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-embargo-cli-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, configWithSources(`  - { slug: desk, name: Desk, articles: "${join(dir, 'desk')}", site_url: "https://desk.example/" }`, '', false));
  mkdirSync(join(dir, 'desk'));
  const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_DB: join(dir, 'e.db'), WIREFEED_CONFIG: config };
  const wirefeed = (...args: string[]) => run(process.execPath, [main, ...args], { env });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('articles add holds a file with embargo_until, and says until when', async () => {
    const lift = new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000).toISOString();
    const file = join(dir, 'results-day.md');
    writeFileSync(file, `---\ntitle: Results day figures\npublished: 2026-11-01T08:00:00Z\nembargo_until: ${lift}\n---\nThe figures.\n`);
    const added = await wirefeed('articles', 'add', file);
    assert.match(added.stdout, new RegExp(`^Published: http://feeds\\.test/articles/\\d+ \\(https://desk\\.example/results-day\\), embargoed until ${lift.replace(/\./g, '\\.')}`));
    const ctx = openContext(loadConfig(env), createLog('silent'));
    try {
      const app = createApp(ctx);
      const feed = await request(app).get('/feeds/all.rss').expect(200);
      assert.ok(!feed.text.includes('Results day figures'));
      const id = /articles\/(\d+)/.exec(added.stdout)![1];
      await request(app).get(`/articles/${id}.json`).expect(404);
    } finally {
      ctx.db.close();
    }
    const typo = join(dir, 'typo-day.md');
    writeFileSync(typo, `---\ntitle: Typo\npublished: 2026-11-01T08:00:00Z\nembargo_until: "soon"\n---\nText.\n`);
    await assert.rejects(wirefeed('articles', 'add', typo), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.match(String(err.stderr), /embargo_until/);
      return true;
    });
  });

  test('partners add --embargoed, update --no-embargoed, and the feed each way', async () => {
    const added = await wirefeed('partners', 'add', 'Early Desk', '--embargoed', '--full-text');
    assert.match(added.stdout, /^Added partner Early Desk \(full text, all categories, embargoed early\)\.\n/);
    const key = /Key \(shown this once; only its hash is kept\): (wf_[\w-]+)/.exec(added.stdout)![1]!;
    const feedOf = async () => {
      const ctx = openContext(loadConfig(env), createLog('silent'));
      try {
        return (await request(createApp(ctx)).get('/feeds/all.json').set('Authorization', `Bearer ${key}`).expect(200)).text;
      } finally {
        ctx.db.close();
      }
    };
    assert.ok((await feedOf()).includes('Results day figures'), 'the permitted partner has it early');
    assert.match((await wirefeed('partners', 'list')).stdout, /Early Desk\s+wf_\S+…\s+full text, all categories, embargoed early/);
    const updated = await wirefeed('partners', 'update', 'Early Desk', '--no-embargoed');
    assert.equal(updated.stdout, 'Partner Early Desk: full text, all categories.\n');
    assert.ok(!(await feedOf()).includes('Results day figures'), 'not once the permission is withdrawn');
    await assert.rejects(wirefeed('partners', 'update', 'Nobody', '--embargoed'), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.equal(err.stderr, 'partners update: no partner "Nobody"\n');
      return true;
    });
  });
});
