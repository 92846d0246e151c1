// `serve --readers 2` as real processes (issue 16): a primary and two reader
// processes on one port. What must hold however many readers there are: a
// partner's budget is the budget (a per-reader budget would let it through
// twice); /metrics counts every reader's requests; the admin API answers
// through any reader and its change shows in every one; a reader killed
// is replaced while the others answer; on SIGTERM all of them stop, exit 0,
// and the partner counts are written; and when the primary is killed
// outright, no reader is left behind holding the port.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openContext } from '../../src/context.js';
import { loadConfig } from '../../src/config/config.js';
import { createLog } from '../../src/observe/log.js';
import { createPartner } from '../../src/store/partners.js';
import { configWithSources, runCli, until } from '../helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const ADMIN_TOKEN = 'readers-test-admin-token-0123456789';
const BUDGET = 10;

/** A GET on a connection of its own, so that the primary hands each to the next reader in turn. */
function getFresh(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer`)));
    req.end();
  });
}

/** Whether the process runs (a zombie has ended: its parent, killed, will never reap it). */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

describe('serve --readers 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-readers-'));
  let env: NodeJS.ProcessEnv;
  let key: string;
  const serves: ServeProcess[] = [];

  before(() => {
    const yaml = configWithSources('  []', `admin:\n  token: ${ADMIN_TOKEN}\n`).replace('publish:\n', `publish:\n  partner_requests_per_minute: ${BUDGET}\n`);
    writeFileSync(join(dir, 'config.yaml'), yaml);
    env = { ...process.env, WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_PORT: '0', WIREFEED_DB: join(dir, 'r.db') };
    delete env.WIREFEED_LOG_LEVEL;
    delete env.WIREFEED_ADMIN_TOKEN;
    const ctx = openContext(loadConfig(env), createLog('silent'));
    key = createPartner(ctx.db, 'Harbour Daily', { fullText: false, categories: [] }).key;
    ctx.db.close();
  });

  after(() => {
    for (const s of serves) {
      s.child.kill('SIGKILL');
      for (const pid of s.readers()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test("a partner's budget holds across readers, /metrics adds up every reader, the admin API answers through them", async () => {
    const serve = await startServe({ env, readers: 2 });
    serves.push(serve);
    const statuses: number[] = [];
    for (let i = 0; i < 3 * BUDGET; i++) statuses.push((await getFresh(serve.port, '/categories', { authorization: `Bearer ${key}` })).status);
    assert.equal(statuses.filter((s) => s === 200).length, BUDGET, `answered: ${statuses.join(' ')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 2 * BUDGET);

    for (let i = 0; i < 6; i++) assert.equal((await getFresh(serve.port, '/healthz')).status, 200);
    const metrics = (await getFresh(serve.port, '/metrics')).body;
    assert.match(metrics, /^wirefeed_http_requests_total\{method="GET",route="\/healthz",status="200"\} 6$/m, 'both readers counted');
    assert.match(metrics, /^wirefeed_http_requests_total\{method="GET",route="\/categories",status="429"\} 20$/m, 'refused before routing, counted under the route it was aimed at');
    await until(() => /"event":"writer_acquired"/.test(serve.log()), 'the writer');
    assert.match((await getFresh(serve.port, '/metrics')).body, /^wirefeed_writer 1$/m, 'one writer among the processes');

    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const added = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ slug: 'bay-wire', name: 'Bay Wire', url: 'https://93.184.215.14/feed.xml', categories: ['climate'] });
      const req = request(
        { host: '127.0.0.1', port: serve.port, path: '/admin/sources', method: 'POST', agent: false, headers: { ...auth, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(added, 201);
    for (let i = 0; i < 4; i++) assert.match((await getFresh(serve.port, '/sources')).body, /Bay Wire/, 'every reader sees the new source');
    assert.equal((await getFresh(serve.port, '/admin/sources')).status, 401, 'the admin API still wants its token through a reader');
  });

  test('a reader killed is replaced; SIGTERM stops them all with exit 0 and writes the partner counts', async () => {
    const serve = serves[0]!;
    const [first] = serve.readers() as [number];
    // A reader sends its partner counts every second; those of the last second die with it, as a
    // single serve killed outright loses those of its last flush. Past that second, none is lost.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    process.kill(first, 'SIGKILL');
    // The connections a reader holds die with it; the primary hands no more to it once it has seen it end.
    await until(() => /"event":"reader_exited"/.test(serve.log()), 'the primary to see the reader end');
    for (let i = 0; i < 6; i++) assert.equal((await getFresh(serve.port, '/healthz')).status, 200, 'the other reader answers');
    await until(() => serve.readers().length === 3, 'a new reader', 15_000);
    for (let i = 0; i < 6; i++) assert.equal((await getFresh(serve.port, '/healthz')).status, 200);

    assert.equal(await serve.stop(), 0, serve.log());
    for (const pid of serve.readers()) assert.ok(!alive(pid), `reader ${pid} has ended`);
    const ctx = openContext(loadConfig(env), createLog('silent'));
    try {
      assert.equal(ctx.db.prepare("SELECT requests FROM partners WHERE name = 'Harbour Daily'").pluck().get(), BUDGET, 'the requests answered, counted by the readers, written by the primary');
      const usage = ctx.db
        .prepare("SELECT sum(requests) AS requests, sum(bytes) AS bytes FROM partner_usage_days WHERE partner_id = (SELECT id FROM partners WHERE name = 'Harbour Daily')")
        .get() as { requests: number; bytes: number };
      assert.equal(usage.requests, BUDGET, 'the usage report counts them too');
      assert.ok(usage.bytes > 0, 'with the bytes of their answers');
    } finally {
      ctx.db.close();
    }
  });

  test('when the primary is killed outright, its readers end too and the port is free', async () => {
    const serve = await startServe({ env, readers: 2 });
    serves.push(serve);
    serve.child.kill('SIGKILL');
    await until(() => serve.readers().every((pid) => !alive(pid)), 'the readers to end', 10_000);
    await assert.rejects(getFresh(serve.port, '/healthz'), 'nobody answers on the port');
  });

  test('--readers takes a whole number from 0 to 64; anything else is a usage error (exit 2)', async () => {
    for (const bad of ['abc', '-1', '1.5', '65']) {
      const outcome = await runCli(['serve', '--readers', bad], { WIREFEED_CONFIG: join(dir, 'config.yaml'), WIREFEED_DB: join(dir, 'r.db') });
      assert.equal(outcome.code, 2, bad);
      assert.match(outcome.stderr, /--readers <n>.*a whole number from 0 \(one per core\) to 64/, bad);
    }
  });
});
