// `wirefeed serve` (what `npm start` runs) as a real process: it listens,
// ingests at start without being asked, serves feeds, and stops on SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));

describe('wirefeed serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-serve-'));
  let child: ChildProcess | undefined;

  after(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves the demo feeds with items shortly after start, and exits cleanly on SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'serve.db') };
    delete env.WIREFEED_CONFIG; // the demo configuration
    child = spawn(process.execPath, [main, 'serve'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let log = '';
      child?.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const match = log.match(/"event":"listening","port":(\d+)/);
        if (match) resolve(Number(match[1]));
      });
      child?.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    });

    let items = 0;
    for (let attempt = 0; attempt < 100 && items < 21; attempt++) {
      const res = await fetch(`http://127.0.0.1:${port}/feeds/all.json`);
      assert.equal(res.status, 200);
      items = ((await res.json()) as { items: unknown[] }).items.length;
      if (items < 21) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(items, 21, 'every demo article is published');

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
