// The fast path's request line is the line pino would write for the same
// fields, byte for byte (time and duration aside), at the level asked for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { requestLine } from '../../src/observe/request-line.js';
import { createLog } from '../../src/observe/log.js';

function capture() {
  const lines: string[] = [];
  return { lines, sink: { write: (line: string) => lines.push(line) } };
}

const fixed = { method: 'GET', route: '/feeds/search.:format', url: '/feeds/search.rss?q=%22caf%C3%A9%22&x="quoted" ünïcode\\' };

test('the same line as pino, for a URL that needs escaping', () => {
  const { lines, sink } = capture();
  const log = createLog('info', sink as unknown as NodeJS.WritableStream);
  log.child({ event: 'request', ...fixed }).info({ status: 200, duration_ms: 1.5, bytes: 1234 }, 'request');
  requestLine(log, 'info', fixed)(200, 1.5, 1234);
  assert.equal(lines.length, 2);
  const [byPino, byUs] = lines.map((l) => l.replace(/"time":"[^"]+"/, '"time":T'));
  assert.equal(byUs, byPino);
  assert.equal(JSON.parse(lines[1]!).url, fixed.url);
});

test('nothing below the logger level; a debug line once the level allows it', () => {
  const { lines, sink } = capture();
  const log = createLog('info', sink as unknown as NodeJS.WritableStream);
  requestLine(log, 'debug', fixed)(304, 0.1, 0);
  assert.deepEqual(lines, []);
  const verbose = createLog('debug', sink as unknown as NodeJS.WritableStream);
  requestLine(verbose, 'debug', fixed)(304, 0.1, 0);
  assert.equal(JSON.parse(lines[0]!).level, 20);
});

test('a logger that reshapes its lines (here a mixin) is left to pino', () => {
  const { lines, sink } = capture();
  const log = pino({ base: undefined, mixin: () => ({ region: 'eu' }) }, sink as unknown as NodeJS.WritableStream);
  requestLine(log, 'info', fixed)(200, 2, 10);
  assert.equal(JSON.parse(lines[0]!).region, 'eu');
});
