// The fast path for cached feeds answers outside Express. A database read
// that fails there must not escape the server's request listener (which
// would end the process): Express answers, and the process lives on.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp } from '../../src/http/app.js';
import { configWithSources, testContext } from '../helpers.js';

test('a failing read on the fast path is answered by Express, and the server keeps serving', async () => {
  const ctx = testContext(configWithSources('  []'));
  const server = createServer(createApp(ctx));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // Twice: the second answer comes from the fast path, which now knows the URL.
    for (let i = 0; i < 2; i++) assert.equal((await fetch(`${url}/feeds/all.rss`)).status, 200);
    ctx.db.exec('ALTER TABLE content_version RENAME TO content_version_gone');
    const broken = await fetch(`${url}/feeds/all.rss`);
    assert.equal(broken.status, 500);
    assert.equal((await fetch(`${url}/healthz`)).status, 200, 'the process still serves');
    ctx.db.exec('ALTER TABLE content_version_gone RENAME TO content_version');
    assert.equal((await fetch(`${url}/feeds/all.rss`)).status, 200);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    ctx.close();
  }
});
