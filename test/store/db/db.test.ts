import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import { type Db, listMigrations, migrate, migrationsDir, openDb, schemaVersion } from '../../../src/store/db/db.js';

/** A database file in a fresh folder (one level down, so openDb must create it); closed and removed after the test. */
function tempDb(t: TestContext): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-db-'));
  const db = openDb(join(dir, 'nested', 'wirefeed.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, dir };
}

function recorded(db: Db): { version: number; name: string }[] {
  return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
}

function tableNames(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

// Read independently of listMigrations, so that a bug there cannot hide a skipped file.
const migrationFiles = readdirSync(migrationsDir)
  .filter((f) => f.endsWith('.sql'))
  .sort();

describe('migrations on an empty database', () => {
  test('migrate applies every file in db/migrations, in order, and returns their names', (t) => {
    const { db } = tempDb(t);
    assert.ok(migrationFiles.includes('001_init.sql'));
    assert.deepEqual(migrate(db), migrationFiles);
  });

  test('each applied migration is recorded in schema_migrations with its version, name and time', (t) => {
    const { db } = tempDb(t);
    const before = Date.now();
    migrate(db);
    const after = Date.now();
    assert.deepEqual(
      recorded(db),
      migrationFiles.map((name) => ({ version: Number.parseInt(name, 10), name })),
    );
    assert.equal(recorded(db)[0]?.version, 1);
    const times = db.prepare('SELECT applied_at FROM schema_migrations').pluck().all() as number[];
    for (const at of times) assert.ok(at >= before && at <= after, `applied_at ${at} not within [${before}, ${after}]`);
    assert.equal(schemaVersion(db), Math.max(...migrationFiles.map((f) => Number.parseInt(f, 10))));
  });

  test('an empty database is at schema version 0', (t) => {
    const { db } = tempDb(t);
    migrate(db, []);
    assert.equal(schemaVersion(db), 0);
  });

  test('the schema has the sources, articles, taxonomy, related and ingest tables', (t) => {
    const { db } = tempDb(t);
    migrate(db);
    const expected = [
      'article_categories',
      'article_tags',
      'articles',
      'categories',
      'ingest_results',
      'ingest_runs',
      'related',
      'schema_migrations',
      'sources',
    ];
    const names = tableNames(db);
    assert.deepEqual(
      expected.filter((table) => !names.includes(table)),
      [],
      `tables present: ${names.join(', ')}`,
    );
  });

  test('openDb sets WAL journal mode, foreign keys and a busy timeout', (t) => {
    const { db } = tempDb(t);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  });

  test('a second migrate applies nothing and records nothing new', (t) => {
    const { db } = tempDb(t);
    migrate(db);
    const first = recorded(db);
    assert.deepEqual(migrate(db), []);
    assert.deepEqual(recorded(db), first);
  });
});

describe('migrations from a folder', () => {
  function migrationFolder(t: TestContext, files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'wirefeed-migrations-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(dir, { recursive: true });
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    return dir;
  }

  test('listMigrations takes NNN_name.sql files in file-name order and ignores other files', (t) => {
    const dir = migrationFolder(t, {
      '010_tenth.sql': 'SELECT 10;',
      '002_second.sql': 'SELECT 2;',
      '001_first.sql': 'SELECT 1;',
      'README.md': 'notes',
      'draft.sql': 'SELECT 0;',
    });
    assert.deepEqual(
      listMigrations(dir).map((m) => [m.version, m.name, m.sql]),
      [
        [1, '001_first.sql', 'SELECT 1;'],
        [2, '002_second.sql', 'SELECT 2;'],
        [10, '010_tenth.sql', 'SELECT 10;'],
      ],
    );
  });

  test('a failing migration is rolled back alone: the one before it stays recorded, it is not recorded and leaves no partial table', (t) => {
    const { db } = tempDb(t);
    const dir = migrationFolder(t, {
      '001_first.sql': 'CREATE TABLE first (id INTEGER PRIMARY KEY);',
      // The CREATE succeeds before the INSERT fails: only a transaction removes it.
      '002_broken.sql': 'CREATE TABLE partial (id INTEGER PRIMARY KEY);\nINSERT INTO missing_table VALUES (1);',
    });
    assert.throws(() => migrate(db, listMigrations(dir)), /no such table: missing_table/);
    assert.deepEqual(recorded(db), [{ version: 1, name: '001_first.sql' }]);
    assert.equal(schemaVersion(db), 1);
    const names = tableNames(db);
    assert.ok(names.includes('first'), `tables present: ${names.join(', ')}`);
    assert.ok(!names.includes('partial'), `tables present: ${names.join(', ')}`);
  });

  test('after a failed migration is fixed, the next migrate applies only that one', (t) => {
    const { db } = tempDb(t);
    const dir = migrationFolder(t, {
      '001_first.sql': 'CREATE TABLE first (id INTEGER PRIMARY KEY);',
      '002_second.sql': 'CREATE TABLE second (id INTEGER PRIMARY KEY);\nINSERT INTO missing_table VALUES (1);',
    });
    assert.throws(() => migrate(db, listMigrations(dir)));
    writeFileSync(join(dir, '002_second.sql'), 'CREATE TABLE second (id INTEGER PRIMARY KEY);');
    assert.deepEqual(migrate(db, listMigrations(dir)), ['002_second.sql']);
    assert.deepEqual(recorded(db), [
      { version: 1, name: '001_first.sql' },
      { version: 2, name: '002_second.sql' },
    ]);
  });
});
