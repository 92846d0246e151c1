// Start-up failures through the real `wirefeed` command: a database path
// that cannot be opened or written, a file that is not a database or has
// corrupt pages, and a blank admin token. Each is one line on stderr that
// names the path (or key) and says what to do, and exit 2, like any
// configuration error; never a stack trace.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { demoConfigPath, runCli } from '../helpers.js';

const commands = [['migrate'], ['ingest', '--once'], ['serve']];

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-startup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs every command against `env`; each must exit 2 with one line matching `line`. */
async function expectOneLine(env: Record<string, string>, line: RegExp): Promise<void> {
  const outcomes = await Promise.all(commands.map((command) => runCli(command, { WIREFEED_PORT: '0', ...env })));
  for (const [i, r] of outcomes.entries()) {
    const command = commands[i]!;
    const what = `wirefeed ${command.join(' ')}: exit ${r.code}, stderr:\n${r.stderr}`;
    assert.equal(r.code, 2, what);
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${what}`);
    assert.match(r.stderr, line, what);
    assert.doesNotMatch(r.stderr, /\n\s+at /, what);
  }
}

/** A SQLite file whose header is fine and whose middle pages are overwritten. */
function corruptPages(path: string): void {
  const db = new Database(path);
  db.exec('CREATE TABLE filler (text TEXT)');
  const insert = db.prepare('INSERT INTO filler VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${'x'.repeat(200)}`);
  })();
  db.close();
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
}

/** `text` matched as itself in a regular expression. */
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const writable = esc('; set WIREFEED_DB or "database" in the config to a writable path') + '\n$';
const restore = esc('; restore it from a backup (wirefeed backup) or move it aside') + '\n$';

describe('start-up failures of the database', () => {
  test('a path under a regular file: the file is named as not a directory', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'plain'), 'not a folder');
    for (const db of [join(dir, 'plain', 'w.db'), join(dir, 'plain', 'deeper', 'w.db')]) {
      await expectOneLine({ WIREFEED_DB: db }, new RegExp(`^database: cannot open ${esc(db)}: ${esc(join(dir, 'plain'))} is not a directory${writable}`));
    }
  });

  test('a path that is a directory', async (t) => {
    const dir = tempDir(t);
    await expectOneLine({ WIREFEED_DB: dir }, new RegExp(`^database: cannot open ${esc(dir)}: it is a directory${writable}`));
  });

  test('a folder that may not be changed (chattr +i): named, even for root', async (t) => {
    const locked = mkdtempSync(join(tmpdir(), 'wirefeed-locked-'));
    try {
      execFileSync('chattr', ['+i', locked], { stdio: 'ignore' });
    } catch {
      rmSync(locked, { recursive: true, force: true });
      t.skip('chattr +i is not available here (no chattr, no CAP_LINUX_IMMUTABLE, or a file system without it)');
      return;
    }
    t.after(() => {
      execFileSync('chattr', ['-i', locked]);
      rmSync(locked, { recursive: true, force: true });
    });
    for (const db of [join(locked, 'w.db'), join(locked, 'sub', 'w.db')]) {
      await expectOneLine({ WIREFEED_DB: db }, new RegExp(`^database: cannot open ${esc(db)}: .*${esc(locked)} may not be changed \\(immutable\\?\\)${writable}`));
    }
  });

  test('a read-only file system: named, even for root', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-readonly-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      t.skip('cannot mount a read-only tmpfs here (needs root with CAP_SYS_ADMIN)');
      return;
    }
    t.after(() => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const db = join(dir, 'data', 'w.db');
    await expectOneLine({ WIREFEED_DB: db }, new RegExp(`^database: cannot open ${esc(db)}: cannot create ${esc(join(dir, 'data'))}: ${esc(dir)} is on a read-only file system${writable}`));
  });

  test('random bytes: not a SQLite database, or corrupt', async (t) => {
    const db = join(tempDir(t), 'w.db');
    writeFileSync(db, Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7919) % 251)));
    await expectOneLine({ WIREFEED_DB: db }, new RegExp(`^database: ${esc(db)} is not a SQLite database, or is corrupt \\(file is not a database\\)${restore}`));
  });

  test('a valid header over corrupt pages: quick_check names the first problem', async (t) => {
    const db = join(tempDir(t), 'w.db');
    corruptPages(db);
    await expectOneLine({ WIREFEED_DB: db }, new RegExp(`^database: ${esc(db)} is corrupt \\(quick_check: .*page \\d+.*\\)${restore}`));
  });
});

describe('start-up failures of the admin token', () => {
  test('WIREFEED_ADMIN_TOKEN set but empty or blank is an error naming it, not an API quietly left off', async (t) => {
    const db = join(tempDir(t), 'w.db');
    for (const token of ['', '   ']) {
      const r = await runCli(['migrate'], { WIREFEED_DB: db, WIREFEED_ADMIN_TOKEN: token });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `config: ${demoConfigPath}: WIREFEED_ADMIN_TOKEN (environment): is empty: set a token of at least 16 characters, or leave it out to turn the admin API off\n`);
    }
    const spaced = await runCli(['migrate'], { WIREFEED_DB: db, WIREFEED_ADMIN_TOKEN: 'sixteen letters or more with spaces' });
    assert.equal(spaced.code, 2, spaced.stderr);
    assert.match(spaced.stderr, /^config: .*: WIREFEED_ADMIN_TOKEN \(environment\): must not contain spaces/);
  });

  test('admin.token blank in the config file is an error naming the key', async (t) => {
    const dir = tempDir(t);
    const config = join(dir, 'config.yaml');
    for (const token of ['""', '"   "', `"${' '.repeat(20)}"`]) {
      writeFileSync(config, `site: { title: T, base_url: "http://feeds.test", author: A }\nadmin:\n  token: ${token}\n`);
      const r = await runCli(['migrate'], { WIREFEED_CONFIG: config, WIREFEED_DB: join(dir, 'w.db') });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
      assert.match(r.stderr, /^config: .*config\.yaml: admin\.token: is empty: set a token of at least 16 characters/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});
