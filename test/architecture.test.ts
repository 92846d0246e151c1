// The layout's rules, checked on the sources: no import cycle among our own
// modules (type-only imports count: a cycle of types is still a knot a
// reader has to untie); the ingest stages depend only on earlier ones; and
// no folder of src/ with more than a dozen files.
// Our own forty lines rather than madge or dependency-cruiser: relative
// ESM specifiers are all we need to follow, and those tools bring a parser
// for every language they support.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../src/paths.js';

const srcDir = join(packageRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module's relative imports and re-exports, static and dynamic, as source paths. */
function importGraph(files: string[]): Map<string, string[]> {
  const specifier = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  return new Map(
    files.map((file) => {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(specifier)].map((m) => normalize(join(dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, '.ts'))));
      return [file, targets];
    }),
  );
}

/** The cycles, each as the path that closes it (depth-first search, colours). */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[][] = [];
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

test('no module of src/ imports itself back through others', () => {
  const graph = importGraph(sourceFiles(srcDir));
  assert.ok(graph.size > 50, 'the sources were found');
  const names = cycles(graph).map((cycle) => cycle.map((f) => relative(srcDir, f)).join(' → '));
  assert.deepEqual(names, []);
});

test('an ingest stage imports only from itself and earlier stages (prepare/ drives them all)', () => {
  const stages = ['fetch', 'parse', 'clean', 'classify', 'relate', 'prepare'];
  const stageOf = (file: string) => stages.indexOf(relative(join(srcDir, 'ingest'), file).split(/[\\/]/)[0] ?? '');
  const backwards: string[] = [];
  for (const [file, targets] of importGraph(sourceFiles(join(srcDir, 'ingest')))) {
    for (const target of targets) {
      if (stageOf(file) >= 0 && stageOf(target) > stageOf(file)) backwards.push(`${relative(srcDir, file)} → ${relative(srcDir, target)}`);
    }
  }
  assert.deepEqual(backwards, []);
});

test('no folder of src/ holds more than twelve files', () => {
  const byFolder = new Map<string, number>();
  for (const file of sourceFiles(srcDir)) byFolder.set(dirname(file), (byFolder.get(dirname(file)) ?? 0) + 1);
  const crowded = [...byFolder].filter(([, count]) => count > 12).map(([dir, count]) => `${relative(packageRoot, dir)}: ${count}`);
  assert.deepEqual(crowded, []);
});

test('every transaction of src/ that is run begins IMMEDIATE (store/db/db.ts says why)', () => {
  // `db.transaction(() => { … })()`: the call right after the closing parenthesis runs it deferred.
  const deferred = sourceFiles(srcDir).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const found: string[] = [];
    for (let at = text.indexOf('.transaction('); at >= 0; at = text.indexOf('.transaction(', at + 1)) {
      let depth = 0;
      let end = at + '.transaction'.length;
      do {
        if (text[end] === '(') depth += 1;
        else if (text[end] === ')') depth -= 1;
        end += 1;
      } while (depth > 0 && end < text.length);
      if (text.startsWith('()', end)) found.push(`${relative(srcDir, file)}:${text.slice(0, at).split('\n').length}`);
    }
    return found;
  });
  assert.deepEqual(deferred, []);
});
