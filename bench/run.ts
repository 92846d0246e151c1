// `npm run bench [-- --quick] [-- --only serving,growth,ingest,memory,relate,readers,varnish,hub] [-- --seconds N] [-- --profile]`
// Measures serving, archive growth, ingest, memory, related stories, readers beside the writer, serving behind Varnish,
// and the built-in WebSub hub's deliveries; prints the tables and,
// for a full run of every part (not --quick), writes them to BENCHMARKS.md. Benchmarks, not
// tests: nothing here fails on a slow number.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/paths.js';
import { benchDataDir, ensureArchive } from './archive.js';
import { growthRepeats, measureGrowth } from './growth.js';
import { benchHub } from './hub.js';
import { benchIngest } from './ingest.js';
import { benchIngestMemory } from './ingest-memory.js';
import { loadAverage, machineInfo } from './machine.js';
import { benchMemory } from './memory.js';
import { relateSection } from './relate-cost.js';
import { benchReaders } from './readers.js';
import { markdown, type Results, table, targetRows } from './report.js';
import { benchServing } from './serving.js';
import { benchVarnish } from './varnish.js';

const parts = ['serving', 'growth', 'ingest', 'memory', 'relate', 'readers', 'varnish', 'hub'] as const;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seconds: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});
const quick = values.quick ?? false;
const only = new Set(values.only ? values.only.split(',') : parts);
const unknown = [...only].filter((p) => !parts.includes(p as (typeof parts)[number]));
if (unknown.length) {
  console.error(`bench: unknown part ${unknown.join(', ')} (parts: ${parts.join(', ')})`);
  process.exit(2);
}
const seconds = Number(values.seconds ?? (quick ? 3 : 20));
const connections = 50;
const sizes = quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000];
const progress = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

// --profile: the app's process under the serving load, and the serve of the readers part (idle, ingest, CLI ingest),
// write V8 CPU profiles (open them in Chrome DevTools).
const profileDir = join(benchDataDir, 'profiles');
const appExecArgv = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
if (values.profile) mkdirSync(profileDir, { recursive: true });

const results: Results = { quick, seconds, connections, machine: machineInfo(), archives: [] };
progress(`machine: ${results.machine.cpu}, ${results.machine.cores} cores, load average ${results.machine.loadBefore}`);

// The memory part also ingests over the archive of 100,000 articles.
const needed = only.has('growth')
  ? sizes
  : [...new Set([...(only.has('serving') ? [sizes[0]!] : []), ...(only.has('memory') ? [100_000, sizes[sizes.length - 1]!] : [])])];
// Serving beside an ingest is measured over 100,000 articles, as issue 16 measured it; --quick over 1,000.
const readersSize = quick ? 1_000 : 100_000;
if (only.has('readers') && !needed.includes(readersSize)) needed.push(readersSize);
// The hub's deliveries over the small archive: what they cost does not depend on its size.
const hubSize = sizes[0]!;
if (only.has('hub') && !needed.includes(hubSize)) needed.push(hubSize);
for (const size of needed) {
  progress(`archive of ${size.toLocaleString('en')} articles`);
  const archive = ensureArchive(size, progress);
  if (archive.generatedSeconds !== undefined) progress(`generated in ${archive.generatedSeconds.toFixed(0)} s: ${archive.path}`);
  results.archives.push(archive);
}
const archiveOf = (size: number) => results.archives.find((a) => a.articles === size)!;

if (only.has('serving')) {
  progress(`serving: ${seconds} s per measurement, ${connections} connections`);
  results.serving = await benchServing({
    archivePath: archiveOf(sizes[0]!).path, seconds, slices: quick ? 3 : 10, warmupSeconds: quick ? 1 : 2, connections, appExecArgv, progress,
  });
}
if (only.has('growth')) {
  progress(`cold renders over ${sizes.map((n) => n.toLocaleString('en')).join(', ')} articles, in turns (load average ${loadAverage()})`);
  results.growth = await measureGrowth(sizes.map(archiveOf), growthRepeats(quick));
}
if (only.has('ingest')) {
  progress(`ingest: 200 feeds × 50 items (load average ${loadAverage()})`);
  results.ingest = await benchIngest(200, 50, quick ? 1 : 3, 3);
}
if (only.has('memory')) {
  progress(`memory: ${sizes[sizes.length - 1]!.toLocaleString('en')} articles (load average ${loadAverage()})`);
  results.memory = await benchMemory(archiveOf(sizes[sizes.length - 1]!), seconds, connections);
  progress(`memory during an ingest: 200 feeds × 50 items over 100,000 articles (load average ${loadAverage()})`);
  results.ingestMemory = await benchIngestMemory(archiveOf(100_000), 200, 50, { progress });
}
let relate = '';
if (only.has('relate')) {
  progress(`related stories: quality, and cost at 1,000 and 100,000 articles (load average ${loadAverage()})`);
  relate = relateSection();
}
if (only.has('readers')) {
  progress(`readers: serve over ${readersSize.toLocaleString('en')} articles, 200 feeds × 50 items (load average ${loadAverage()})`);
  // Each measurement a few seconds: the part adds about two minutes to a full run.
  results.readers = await benchReaders({
    archivePath: archiveOf(readersSize).path, articles: readersSize, feeds: 200, itemsPerFeed: 50,
    seconds: quick ? 2 : 5, feedRate: 200, healthRate: 50, connections, serveExecArgv: appExecArgv, progress,
  });
}
if (only.has('varnish')) {
  progress(`behind Varnish: 200 polling clients, an article published every 3 s (load average ${loadAverage()})`);
  results.varnish = await benchVarnish({ seconds: quick ? 5 : 20, connections: 200, publishEvery: 3, progress });
}
if (only.has('hub')) {
  progress(`hub: 1,000 subscribers of one feed over ${hubSize.toLocaleString('en')} articles (load average ${loadAverage()})`);
  results.hub = await benchHub({
    archivePath: archiveOf(hubSize).path, articles: hubSize, subscribers: 1_000, rounds: quick ? 1 : 3,
    seconds: quick ? 2 : 5, feedRate: 200, healthRate: 50, progress,
  });
}
results.machine.loadAfter = loadAverage();

console.log(`\n${table(['measure', 'measured', 'target', 'result'], targetRows(results))}\n`);
const report = `${markdown(results).trimEnd()}\n${relate}`;
// Only a full run is the record: --quick measures smaller archives and must not replace it.
if (only.size === parts.length && !quick) {
  writeFileSync(join(packageRoot, 'BENCHMARKS.md'), report);
  progress('wrote BENCHMARKS.md');
} else {
  console.log(report);
}
