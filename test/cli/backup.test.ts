// `wirefeed backup FILE` as a child process: the copy opens on its own and
// holds the articles, an existing file is kept unless --force, and it works
// while `wirefeed serve` has the database open.
import assert from 'node:assert/strict';
import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startServe } from './serve-process.js';

const run = promisify(execFile);
const cliPath = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** The environment of the test runner without WIREFEED_* settings, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WIREFEED_') && k !== 'NODE_TEST_CONTEXT'));
  return { ...base, ...env };
}

async function wirefeed(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath, ...args], { env: childEnv(env), timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as ExecFileException & { stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What a copy holds, read with its own connection. */
function readCopy(file: string): { articles: number; guids: string[]; journal: unknown; check: unknown } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      articles: db.prepare('SELECT count(*) FROM articles').pluck().get() as number,
      guids: db.prepare('SELECT guid FROM articles ORDER BY guid').pluck().all() as string[],
      journal: db.pragma('journal_mode', { simple: true }),
      check: db.pragma('integrity_check', { simple: true }),
    };
  } finally {
    db.close();
  }
}

const backedUp = (db: string, file: string, articles: number) =>
  new RegExp(`^Backed up ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+\\.\\d [KM]B, ${articles} articles\\.\\n$`);

describe('wirefeed backup', () => {
  test('copies the database into one file that opens on its own with every article, and prints its size and article count', async (t) => {
    const dir = tempDir(t);
    const env = { WIREFEED_DB: join(dir, 'w.db') };
    assert.equal((await wirefeed(['ingest', '--once'], env)).code, 0);
    const file = join(dir, 'copy.db');
    const r = await wirefeed(['backup', file], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, backedUp(env.WIREFEED_DB, file, 21));
    assert.equal(r.stderr, '');

    const copy = readCopy(file);
    assert.equal(copy.articles, 21);
    assert.deepEqual(copy.guids, readCopy(env.WIREFEED_DB).guids);
    assert.equal(copy.journal, 'delete', 'a single file: no -wal beside it is needed');
    assert.equal(copy.check, 'ok');
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('copy') || f.startsWith('.copy')), ['copy.db'], 'no partial file left');
  });

  test('refuses to overwrite an existing file (exit 2) unless --force', async (t) => {
    const dir = tempDir(t);
    const env = { WIREFEED_DB: join(dir, 'w.db') };
    assert.equal((await wirefeed(['ingest', '--once'], env)).code, 0);
    const file = join(dir, 'copy.db');
    writeFileSync(file, 'yesterday');

    const refused = await wirefeed(['backup', file], env);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, `backup: ${file} already exists; pass --force to replace it\n`);
    assert.equal(refused.stdout, '');
    assert.equal(readFileSync(file, 'utf8'), 'yesterday');

    const forced = await wirefeed(['backup', '--force', file], env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, backedUp(env.WIREFEED_DB, file, 21));
    assert.equal(readCopy(file).articles, 21);
  });

  test('without a database it exits 2 saying so, and creates neither the database nor the copy', async (t) => {
    const dir = tempDir(t);
    const env = { WIREFEED_DB: join(dir, 'w.db') };
    const r = await wirefeed(['backup', join(dir, 'copy.db')], env);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `backup: there is no database at ${env.WIREFEED_DB}\n`);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('`backup --help` describes the command and its --force', async (t) => {
    const r = await wirefeed(['backup', '--help'], { WIREFEED_DB: join(tempDir(t), 'w.db') });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: wirefeed backup \[options\] <file>/);
    assert.match(r.stdout, /while `wirefeed serve` runs[\s\S]*--force +replace the file/);
  });

  test('works while `wirefeed serve` has the database open, and the server goes on serving', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'w.db');
    const server = await startServe({ env: childEnv({ WIREFEED_DB: db, WIREFEED_PORT: '0' }) });
    t.after(() => server.kill());
    // The ingest at start has stored every demo source.
    for (let waited = 0; (server.log().match(/"event":"source_refreshed"/g) ?? []).length < 4; waited += 50) {
      assert.ok(waited < 20_000 && server.child.exitCode === null, `serve did not ingest the demo sources:\n${server.log()}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const file = join(dir, 'live-copy.db');
    const r = await wirefeed(['backup', file], { WIREFEED_DB: db });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, backedUp(db, file, 21));
    assert.equal(readCopy(file).articles, 21);
    assert.equal(existsSync(`${db}-wal`), true, 'the live database is still in WAL mode');
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status, 200);

    assert.equal(await server.stop(), 0);
  });
});
