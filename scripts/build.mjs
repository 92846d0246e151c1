#!/usr/bin/env node
// Builds the program (src/ only, tsconfig.build.json) into dist/ when a
// source is newer than the build, and says nothing otherwise: run at install
// ("prepare") and before `npm start` ("prestart"), so a start after an
// install or an unchanged checkout costs no compile. The tests are built by
// `npm test` (tsconfig.json), which needs the dev dependencies; this needs
// only typescript and the @types packages, which are dependencies so that a
// production install (`npm ci --omit=dev`) builds too.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'main.js');
// Written after each build: tsc rewrites only the files that changed, so main.js's own time says nothing.
const stamp = join(root, 'dist', '.built-src');
const force = process.argv.includes('--force');

/** The newest modification time of a file under `dir` (or `dir` itself, a file). */
function newest(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), 0);
}

function stale() {
  if (!existsSync(entry) || !existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].some((p) => newest(join(root, p)) > built);
}

if (force || stale()) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('build: typescript is not installed; run `npm ci` (it is a dependency) to build dist/\n');
    process.exit(2);
  }
  process.stderr.write('build: compiling src/ into dist/ …\n');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  chmodSync(entry, 0o755);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
