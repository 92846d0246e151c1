// npm run eval:related [-- --set DIR] [--orders a,b,...] [--json] [--verbose] [--check]
//
// How well wirefeed tells the same story from several sources and links
// related stories, on the labelled story set, measured through the public
// surface only (bench/story-set/). Exits 0 whatever it measures, unless
// --check: then 1 when a goal is missed.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/paths.js';
import { type Evaluation, evaluate, goals, missedGoals } from './story-set/evaluate.js';
import { orderKeys } from './story-set/orders.js';
import { loadStorySet, type StorySet, setSize } from './story-set/set.js';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: join(packageRoot, 'test', 'fixtures', 'story-set') },
    orders: { type: 'string', default: orderKeys.join(',') },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});

const set = loadStorySet(values.set);
if (set.articles.length === 0) {
  console.error(`eval-related: ${values.set} has no articles (only sources.json?); pass --set DIR`);
  process.exit(2);
}
const started = performance.now();
const evaluation = await evaluate(
  set,
  values.orders.split(',').map((k) => k.trim()),
);
const seconds = (performance.now() - started) / 1000;
const missed = missedGoals(evaluation);

if (values.json) {
  console.log(JSON.stringify(asJson(set, evaluation, missed, seconds), null, 2));
} else {
  printReport(set, evaluation, missed, seconds);
}
process.exit(values.check && missed.length > 0 ? 1 : 0);

function asJson(set: StorySet, e: Evaluation, missed: string[], seconds: number) {
  return {
    set: { dir: values.set, ...setSize(set) },
    goals: { ...goals, falseMerges: 0, leaks: 0, orderIndependent: true },
    orders: e.orders.map((o) => ({
      key: o.key,
      name: o.name,
      duration_ms: o.durationMs,
      ...o.scores,
      differences: o.differences.length,
    })),
    order_independent: e.differing.length === 0,
    differing_articles: e.differing,
    missed_goals: missed,
    seconds: Number(seconds.toFixed(1)),
  };
}

function printReport(set: StorySet, e: Evaluation, missed: string[], seconds: number): void {
  const size = setSize(set);
  const title = new Map(set.articles.map((a) => [a.id, a.title]));
  console.log(`Story set ${values.set}`);
  console.log(
    `  ${size.articles} articles, ${size.sources} sources (${size.formats.join(', ')}), ${size.threads} threads, ${size.events} events, ${size.sameStoryGroups} same-story groups\n`,
  );
  const header = ['order', 'P@3', 'links', 'R@3', 'same-story recall', 'false merges', 'leaks', 'all items / events', 'differs', 'ms'];
  const rows = e.orders.map(({ key, name, scores: s, durationMs, differences }) => [
    `${key} ${name}`,
    s.precisionAt3.toFixed(3),
    String(s.linksShown),
    s.recallAt3.toFixed(3),
    `${s.sameStoryRecall.toFixed(3)} (${s.sameStoryPairsFound}/${s.sameStoryPairs})`,
    String(s.falseMerges.length),
    `${s.leaks.length}/${s.sameStoryGroups}`,
    `${s.allItems} / ${s.events}`,
    String(differences.length),
    String(durationMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const row of [header, widths.map((w) => '-'.repeat(w)), ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  if (values.verbose) {
    for (const o of e.orders) {
      const s = o.scores;
      if (s.missing.length > 0) console.log(`\n${o.key}: not found through HTTP: ${s.missing.join(', ')}`);
      for (const [a, b] of s.falseMerges) console.log(`\n${o.key}: false merge ${a} / ${b}\n    ${title.get(a)}\n    ${title.get(b)}`);
      for (const l of s.leaks) console.log(`\n${o.key}: event ${l.event} shown ${l.shown.length} times in /feeds/all: ${l.shown.map((id) => `${id} "${title.get(id)}"`).join(', ')}`);
      for (const d of o.differences.slice(0, 5)) console.log(`\n${o.key} differs from ${e.orders[0]?.key} on ${d.id}:\n    ${e.orders[0]?.key}: ${d.first}\n    ${o.key}: ${d.other}`);
    }
  }
  console.log(`\norder-independent: ${e.differing.length === 0 ? 'yes' : `no (${e.differing.length} articles differ)`}`);
  if (values.verbose && e.differing.length > 0) console.log(`  differing: ${e.differing.join(', ')}`);
  console.log(missed.length === 0 ? 'goals: all met' : `goals missed:\n${missed.map((m) => `  ${m}`).join('\n')}`);
  console.log(`(${seconds.toFixed(1)} s)`);
}
