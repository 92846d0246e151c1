// Log output of the real command: JSON lines when stderr is a pipe or a file
// (what a container or a log shipper reads), pino-pretty on a terminal.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BatchedStderr } from '../../src/observe/log-batch.js';

const run = promisify(execFile);
const cliPath = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** `wirefeed ingest --once` on a fresh database, logging at debug (so that per-source lines show); returns its stderr. */
async function ingestLog(t: TestContext, nodeArgs: string[] = []): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('WIREFEED_') && k !== 'NODE_TEST_CONTEXT'));
  const env = { ...base, WIREFEED_DB: join(dir, 'w.db'), WIREFEED_LOG_LEVEL: 'debug', NO_COLOR: '1' };
  const { stderr } = await run(process.execPath, [...nodeArgs, cliPath, 'ingest', '--once'], { env, timeout: 30_000 });
  return stderr;
}

describe('log output', () => {
  test('on a pipe every line is one JSON event with snake_case keys, one per source', async (t) => {
    // Standard error also carries the command's progress for a person ("Ingesting 4 sources…", "[1/4] …"): every other line is a log event.
    const lines = (await ingestLog(t)).trim().split('\n').filter((l) => !/^(Ingesting |\[\d+\/\d+\] )/.test(l));
    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const sources = events.filter((e) => e.event === 'source_refreshed');
    assert.deepEqual(sources.map((e) => e.source).sort(), ['civic-pulse', 'demo-desk', 'harbor-wire', 'northern-ledger']);
    for (const e of sources) {
      assert.equal(e.level, 30);
      assert.equal(typeof e.items_new, 'number');
      assert.equal(typeof e.duration_ms, 'number');
    }
  });

  test('on a terminal the same events are printed readably by pino-pretty, not as JSON', async (t) => {
    // The child's stderr is a pipe; this makes it say it is a terminal.
    const stderr = await ingestLog(t, ['--import', 'data:text/javascript,process.stderr.isTTY=true;']);
    assert.doesNotMatch(stderr, /^\{/m);
    // A log line may follow the progress line redrawn in place (after its carriage return), hence no ^.
    const refreshed = stderr.match(/\[\d\d:\d\d:\d\d\.\d{3}\] INFO: source refreshed$/gm) ?? [];
    assert.equal(refreshed.length, 4, stderr);
    assert.match(stderr, /^ {4}source: "harbor-wire"$/m);
    assert.match(stderr, /^ {4}items_new: 6$/m);
  });
});

describe('batched log writes', () => {
  test('a busy stream of lines is written in large batches, in order, nothing lost', () => {
    const writes: string[] = [];
    const out = new BatchedStderr((text) => writes.push(text));
    const lines = Array.from({ length: 2_000 }, (_, i) => `{"event":"request","n":${i},"url":"/feeds/all.rss"}\n`);
    for (const line of lines) out.write(line);
    out.flush();
    assert.equal(writes.join(''), lines.join(''));
    // About 90 KB of lines: one write when 64 KiB gathered, one for the rest.
    assert.equal(writes.length, 2);
    assert.ok(writes[0]!.length >= 64 * 1024);
  });

  test('a lone line is written within moments, without waiting for more', async () => {
    const writes: string[] = [];
    const out = new BatchedStderr((text) => writes.push(text));
    out.write('{"event":"listening"}\n');
    assert.deepEqual(writes, []);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.deepEqual(writes, ['{"event":"listening"}\n']);
  });
});
