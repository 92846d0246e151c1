// The results as tables: the targets with PASS/MISS, then the details of
// each part, and how they were measured. The same Markdown goes to the
// terminal and to BENCHMARKS.md.
import type { Archive } from './archive.js';
import { type GrowthRow, growthRepeats } from './growth.js';
import type { IngestResult } from './ingest.js';
import type { IngestMemoryResult } from './ingest-memory.js';
import { bodyCollectionOff, type LoadResult } from './load.js';
import type { MachineInfo } from './machine.js';
import type { MemoryResult } from './memory.js';
import type { PacedResult } from './paced.js';
import type { HubResult } from './hub.js';
import type { Phase, ReadersResult } from './readers.js';
import type { ServingResult } from './serving.js';
import type { VarnishResult } from './varnish.js';
import { varnishSection, varnishTargetRows } from './varnish-report.js';

export interface Results {
  quick: boolean;
  seconds: number;
  connections: number;
  machine: MachineInfo;
  archives: Archive[];
  serving?: ServingResult;
  growth?: GrowthRow[];
  ingest?: IngestResult;
  memory?: MemoryResult;
  ingestMemory?: IngestMemoryResult;
  readers?: ReadersResult;
  varnish?: VarnishResult | { skipped: string };
  hub?: HubResult;
}

type Row = string[];

const MB = 1024 * 1024;
const n = (value: number, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

export function table(header: Row, rows: Row[]): string {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Every target of issue 6 with what was measured against it. */
export function targetRows(r: Results): Row[] {
  const rows: Row[] = [];
  for (const c of r.serving?.cases ?? []) {
    const target = c.status === 304 ? 0.9 : 0.8;
    const [low, high] = c.sliceRatios;
    rows.push([
      `serving ${c.name}: app / bare req/s`,
      `${n(c.ratio, 2)} (${n(c.app.requestsPerSecond)} / ${n(c.bare.requestsPerSecond)}; slices ${n(low, 2)}–${n(high, 2)})`,
      `≥ ${target}`,
      verdict(c.ratio >= target),
    ]);
  }
  const growth = r.growth ?? [];
  const smallest = growth[0];
  const largest = growth[growth.length - 1];
  if (smallest && largest && largest !== smallest) {
    largest.timings.forEach((t, i) => {
      const base = smallest.timings[i];
      if (t.medianMs === undefined || base?.medianMs === undefined) {
        rows.push([`cold render ${t.feed}`, t.note ?? 'n/a', '≤ 1.5x', 'n/a']);
        return;
      }
      const ratio = t.medianMs / base.medianMs;
      const difference = `${t.medianMs >= base.medianMs ? '+' : '−'}${n(Math.abs(t.medianMs - base.medianMs), 1)} ms`;
      rows.push([
        `cold render ${t.feed}: ${n(largest.articles)} vs ${n(smallest.articles)} articles`,
        `${n(ratio, 2)}x (${n(t.medianMs, 1)} ms / ${n(base.medianMs, 1)} ms: ${difference})`,
        '≤ 1.5x',
        verdict(ratio <= 1.5),
      ]);
    });
  }
  if (r.ingest) {
    const i = r.ingest;
    rows.push([`ingest, ${i.feeds} feeds × ${i.itemsPerFeed} items: new items/s`, n(i.itemsPerSecond), '≥ 4,000', verdict(i.itemsPerSecond >= 4000)]);
    // The reference, not a target: what parsing alone reaches on one thread in the same run (bench/parse-floor.ts).
    rows.push([
      'parse floor, the same documents on one thread: items/s (reference)',
      `parseFeed ${n(i.floor.parseFeed)}, bare rss-parser ${n(i.floor.rssParser)}`,
      '—',
      'reference',
    ]);
    const share = i.itemsPerSecond / i.floor.parseFeed;
    rows.push(['ingest new items/s / parse floor (parseFeed)', `${n(100 * share, 1)}%`, '≥ 20%', verdict(share >= 0.2)]);
    const repoll = median(i.repollSeconds);
    rows.push([`re-poll of ${i.feeds} sources, all 304`, `${n(repoll, 3)} s`, '< 1 s', verdict(repoll < 1 && i.repollNotModified === i.feeds)]);
  }
  if (r.memory) {
    const m = r.memory;
    rows.push([`peak RSS under load, ${n(m.articles)} articles`, `${n(m.peakRss / MB)} MB`, '< 250 MB', verdict(m.peakRss < 250 * MB)]);
  }
  if (r.readers) rows.push(...readersTargetRows(r.readers));
  if (r.varnish) rows.push(...varnishTargetRows(r.varnish));
  if (r.hub) rows.push(...hubTargetRows(r.hub));
  return rows;
}

/** Issue 20's built-in hub: deliveries to many subscribers of one feed, and readers beside them. */
function hubTargetRows(x: HubResult): Row[] {
  const subs = n(x.subscribers);
  const first = median(x.rounds.map((r) => r.firstMs));
  const all = median(x.rounds.map((r) => r.allMs));
  const during = median(x.rounds.map((r) => r.feed.p99));
  const control = median(x.controls.map((c) => c.feed.p99));
  const ratio = during / x.idle.feed.p99;
  const bad = x.rounds.reduce((sum, r) => sum + r.badSignatures + r.repeated + (x.subscribers - r.delivered), 0);
  const failed = x.rounds.reduce((sum, r) => sum + failures(r.feed) + failures(r.health), 0);
  const spread = (values: number[], digits: number) => `${n(Math.min(...values), digits)}–${n(Math.max(...values), digits)}`;
  return [
    [`hub: first of ${subs} deliveries after the admin answer (median of ${x.rounds.length})`, `${n(first)} ms (${spread(x.rounds.map((r) => r.firstMs), 0)})`, '≤ 250 ms', verdict(first <= 250)],
    [`hub: all ${subs} deliveries of ${x.feedPath} (${n((x.rounds[0]?.documentBytes ?? 0) / 1024)} KB each) after the admin answer`, `${n(all / 1000, 2)} s (${spread(x.rounds.map((r) => r.allMs / 1000), 2)})`, '—', 'reference'],
    ['hub: deliveries missing, repeated or with a bad signature', n(bad), '0', verdict(bad === 0)],
    [`hub: feed p99 while delivering / idle`, `${n(ratio, 1)}x (${n(during, 1)} ms / ${n(x.idle.feed.p99, 1)} ms)`, '≤ 2x', verdict(ratio <= 2)],
    [
      'hub: feed p99 while delivering / publishing what nobody subscribed to',
      `${n(during / control, 1)}x (${n(during, 1)} ms / ${n(control, 1)} ms)`,
      '≤ 2x',
      verdict(during / control <= 2),
    ],
    ['hub: 5xx and unanswered requests while delivering', n(failed), '0', verdict(failed === 0)],
  ];
}

/** Issue 16's targets: serving beside the writer, and every core serving. */
function readersTargetRows(x: ReadersResult): Row[] {
  const rows: Row[] = [];
  const items = n(x.ingest.itemsNew);
  for (const [during, idle] of [[x.ingest.feed, x.idle.feed], [x.ingest.health, x.idle.health]] as const) {
    const ratio = during.p99 / idle.p99;
    rows.push([`${during.name} p99 during a ${items}-item ingest / idle`, `${n(ratio, 1)}x (${n(during.p99, 1)} ms / ${n(idle.p99, 1)} ms)`, '≤ 2x', verdict(ratio <= 2)]);
  }
  const worst = Math.max(x.ingest.feed.max, x.ingest.health.max);
  rows.push(['slowest request during the ingest (feed, /healthz)', `${n(x.ingest.feed.max)} ms, ${n(x.ingest.health.max)} ms`, '≤ 100 ms', verdict(worst <= 100)]);
  const failed = failures(x.ingest.feed) + failures(x.ingest.health);
  rows.push(['5xx and unanswered requests during the ingest', n(failed), '0', verdict(failed === 0)]);
  const cli = x.cli;
  const cliFailed = failures(cli.feed) + failures(cli.health);
  const cliWorst = Math.max(cli.feed.max, cli.health.max);
  rows.push([
    '`ingest --once` next to serve: 5xx, slowest request, CLI exit',
    `${n(cliFailed)}, ${n(cliWorst)} ms, exit ${cli.exitCode ?? 'by signal'}`,
    '0, ≤ 100 ms, exit 0',
    verdict(cliFailed === 0 && cliWorst <= 100 && cli.exitCode === 0),
  ]);
  const { one, two } = x.scaling;
  if (two) {
    const ratio = two.requestsPerSecond / one.requestsPerSecond;
    rows.push(['warm /feeds/all.rss req/s, --readers 2 / --readers 1', `${n(ratio, 2)}x (${n(two.requestsPerSecond)} / ${n(one.requestsPerSecond)})`, '≥ 1.7x', verdict(ratio >= 1.7)]);
  } else {
    rows.push(['warm /feeds/all.rss req/s, --readers 2 / --readers 1', `${x.scaling.note ?? 'not measured'}; one process ${n(one.requestsPerSecond)} req/s`, '≥ 1.7x', 'n/a']);
  }
  return rows;
}

/** Answers that are failures: 5xx, and requests that got no answer at all. */
function failures(p: PacedResult): number {
  return (p.statuses['5xx'] ?? 0) + p.errors;
}

function loadCells(l: LoadResult): Row {
  const statuses = Object.entries(l.statuses).map(([k, v]) => `${k}: ${n(v)}`).join(', ');
  return [n(l.requestsPerSecond), n(l.p50, 1), n(l.p99, 1), n(l.serverCores, 2), n(l.generatorCores, 2), n(l.otherCores, 2), `${statuses}${l.errors ? `, errors: ${l.errors}` : ''}`];
}

export function markdown(r: Results): string {
  const m = r.machine;
  const parts: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${r.quick ? ' -- --quick' : ''}\` on ${m.date}, revision ${m.revision}` +
      `${r.quick ? ' (quick run: 3 s loads, archives up to 100,000 articles)' : ''}.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${n(m.memoryBytes / 1024 ** 3, 1)} GiB memory, Node ${m.node}, ${m.os}.`,
    '',
    `The machine is shared with other developers' work (builds, test suites); load average ${m.loadBefore} before the run and ` +
      `${m.loadAfter ?? '?'} after. ${busyNote(r)}`,
    '',
    '## Targets',
    '',
    table(['measure', 'measured', 'target', 'result'], targetRows(r)),
  ];
  if (r.serving) {
    const s = r.serving;
    const rows = s.cases.flatMap((c) => [
      [c.name, 'app', String(c.status), n(c.bytes), ...loadCells(c.app)],
      [c.name, 'app, no request lines', String(c.status), n(c.bytes), ...loadCells(c.quiet)],
      [c.name, 'bare', String(c.status), n(c.bytes), ...loadCells(c.bare)],
    ]);
    parts.push('', `## Serving /feeds/all.rss (${s.items} items)`, '',
      table(['answer', 'server', 'status', 'body bytes', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'autocannon CPU', 'others\' CPU', 'answers'], rows),
      '', generatorNote(s), '', quietNote(s));
  }
  if (r.growth) {
    const rows = r.growth.flatMap((g) =>
      g.timings.map((t) => [n(g.articles), t.feed, t.medianMs === undefined ? (t.note ?? 'n/a') : n(t.medianMs, 1),
        t.minMs === undefined ? '' : `${n(t.minMs, 1)} – ${n(t.maxMs ?? 0, 1)}`, t.items === undefined ? '' : String(t.items),
        t.feed.startsWith('search') && g.searchMatches !== undefined ? n(g.searchMatches) : '']),
    );
    parts.push('', '## Archive growth: cold render of a 50-item RSS page', '',
      table(['articles', 'feed', 'median ms', 'min – max ms', 'items', 'search matches'], rows), '',
      table(['archive', 'file size', 'generated'], r.archives.map((a) => [n(a.articles), `${n(a.bytes / MB)} MB`,
        a.generatedSeconds === undefined ? 'cached (data/bench/)' : `in this run, ${n(a.generatedSeconds)} s`])));
  }
  if (r.ingest) {
    const i = r.ingest;
    parts.push('', '## Ingest', '', table(['measure', 'value'], [
      ['sources × items', `${i.feeds} × ${i.itemsPerFeed}, concurrency ${i.concurrency}`],
      ['new items', n(i.itemsNew)],
      [
        i.rounds.length > 1 ? `fresh ingest, the median of ${i.rounds.length} rounds` : 'fresh ingest',
        `${n(i.seconds, 2)} s, ${n(i.itemsPerSecond)} new items/s${i.rounds.length > 1 ? ` (rounds: ${i.rounds.map((x) => n(x)).join(', ')})` : ''}`,
      ],
      ['CPU during the fresh ingest (cores)', `service ${n(i.serviceCores, 2)}, upstream server ${n(i.upstreamCores, 2)}`],
      // Ingest is bound by CPU: this is the rate its cost per item would allow with every core busy all the time.
      ['service CPU per new item (every thread)', `${n(cpuPerItem(i) * 1e6)} µs: at most ${n(r.machine.cores / cpuPerItem(i))} new items/s on ${r.machine.cores} cores`],
      [
        'of which the main thread (store, relate, fetch)',
        `${n((i.mainThreadCores * i.seconds * 1e6) / i.itemsNew)} µs: at most ${n(i.itemsNew / (i.mainThreadCores * i.seconds))} new items/s on one core`,
      ],
      [
        'parse floor: the same documents parsed alone on one thread (reference)',
        `parseFeed ${n(i.floor.parseFeed)} items/s, bare rss-parser ${n(i.floor.rssParser)} items/s` +
          `${i.floor.passes.length > 1 ? ` (parseFeed per pass: ${i.floor.passes.map((x) => n(x)).join(', ')})` : ''}`,
      ],
      ['fresh ingest / parse floor', `${n((100 * i.itemsPerSecond) / i.floor.parseFeed, 1)}% of parseFeed's, ${n((100 * i.itemsPerSecond) / i.floor.rssParser, 1)}% of bare rss-parser's`],
      [
        'second reading (nodes.ts readRawEntries), on the documents that take it',
        `${i.floor.rawDocuments} of ${i.floor.documents} documents (${n(i.floor.rawItems)} items, Atom): ${n(i.floor.secondReadingMicros, 1)} µs per item, ` +
          `${n(100 * i.floor.secondReadingShare)}% of parseFeed's time on them (parseFeed ${n(i.floor.parseFeedRaw)} items/s there)`,
      ],
      ['event loop delay during the fresh ingest', `p99 ${n(i.eventLoopDelayMs.p99)} ms, max ${n(i.eventLoopDelayMs.max)} ms`],
      ['sources that failed', i.errors.length ? `${i.errors.length}: ${i.errors.slice(0, 3).join('; ')}` : '0'],
      ['full-304 re-polls', `${i.repollSeconds.map((s) => `${n(s, 3)} s`).join(', ')} (${i.repollNotModified} of ${i.feeds} answered 304)`],
      [
        're-poll without validators (200s, documents already stored)',
        `${n(i.unchanged.seconds, 3)} s, service CPU ${n(i.unchanged.serviceCpuSeconds, 2)} s (${n(i.unchanged.itemsSeen)} items seen, ${n(i.unchanged.itemsChanged)} new or changed)`,
      ],
    ]));
  }
  if (r.memory) {
    const mem = r.memory;
    parts.push('', '## Memory', '', table(['measure', 'value'], [
      ['archive', `${n(mem.articles)} articles`],
      ['RSS after start', `${n(mem.startRss / MB)} MB`],
      ['feeds rendered, then served under load', `${mem.feeds} (each in identity, gzip and brotli)`],
      ['load', `${n(mem.load.requestsPerSecond)} req/s for ${r.seconds} s, ${r.connections} connections`],
      ['peak RSS (VmHWM)', `${n(mem.peakRss / MB)} MB`],
    ]));
  }
  if (r.ingestMemory) {
    const im = r.ingestMemory;
    parts.push('', '## Memory during an ingest', '', table(['measure', 'value'], [
      ['archive', `${n(im.articles)} articles`],
      ['ingest', `${im.feeds} sources × ${im.itemsPerFeed} items: ${n(im.itemsNew)} new in ${n(im.seconds, 1)} s${im.errors ? `, ${im.errors} sources failed` : ''}`],
      ['RSS idle, before the run', `${n(im.idleRss / MB)} MB`],
      ['peak RSS during the run (VmHWM)', `${n(im.peakRss / MB)} MB (+${n((im.peakRss - im.idleRss) / MB)} MB)`],
      ['RSS 5 s after the run', `${n(im.afterRss / MB)} MB`],
      ['main thread\'s V8 heap during the run, peak used', `${n(im.heapUsedPeak / MB)} MB`],
      ['main thread\'s V8 heap after a full collection: idle, after the run', `${n(im.heapHeldIdle / MB)} MB, ${n(im.heapHeldAfter / MB)} MB`],
    ]));
  }
  if (r.readers) parts.push('', ...readersSection(r.readers, r.connections, r.machine.cores));
  if (r.varnish) parts.push('', ...varnishSection(r.varnish));
  if (r.hub) parts.push('', ...hubSection(r.hub));
  parts.push('', '## How measured', '', howMeasured(r), '');
  return parts.join('\n');
}

function readersHow(x: ReadersResult): string {
  return [
    `Readers and the writer: \`wirefeed serve\` itself (node dist/src/main.js serve, ${x.readersFlag ? 'started without --readers, so one reader per core' : 'which in this build is one process'}),`,
    `over a copy of the ${n(x.articles)}-article archive whose imported wire sources are disabled, with ${x.feeds} loopback feeds of ${x.itemsPerFeed} items`,
    '(feed-server.ts, a child process) as its only sources, no ingest at start and no scheduled one; its log at info into a file. Requests at a fixed',
    `rate, open loop (paced.ts: evenly spaced, each timed from when it is issued, a stall included; ${x.idle.feed.rate}/s to the feed and ${x.idle.health.rate}/s to /healthz)`,
    'come from the bench process: after an untimed second, an idle window, then a window from POST /admin/ingest to its answer (the whole ingest),',
    'then, the feeds having published newer items, a window from the start of `wirefeed ingest --once` (same configuration and database) to its exit.',
    'Event loop delay is the serve\'s own prom-client figure from /metrics, read as each window begins (which resets it) and ends. Processes are the',
    'serve and every process it started (/proc/PID/task/*/children), the CLI too. Throughput: `serve --readers 1` and `serve --readers 2` on the same',
    'database, autocannon against each in turn.',
  ].join(' ');
}

/** Where autocannon, not the bare server, set the ceiling, the ratio flatters the app. */
function generatorNote(s: ServingResult): string {
  const bound = s.cases.filter((c) => c.bare.generatorCores >= 0.9).map((c) => c.name);
  if (bound.length === 0) return 'CPU columns are in cores. autocannon had CPU to spare in every bare run: the bare rates are the server\'s ceiling.';
  return `CPU columns are in cores. For ${bound.join('; ')}, autocannon used a whole core against the bare server: there the ` +
    'bare rate is the load generator\'s limit on this machine, the true ceiling is higher, and the true app / bare ratio is at most the one shown.';
}

/** What one log line per request costs, from the app measured with and without it. */
function quietNote(s: ServingResult): string {
  const shares = s.cases.map((c) => `${c.name} ${n(c.quiet.requestsPerSecond / c.bare.requestsPerSecond, 2)}`);
  return '"app, no request lines" is the same app with `log.level: warn`, so that it writes no line per request; the targets ' +
    `are judged on the default configuration (one line per request). Its app / bare ratios: ${shares.join('; ')}.`;
}

/** How much of the machine other processes took while the load ran. */
function busyNote(r: Results): string {
  const loads = [...(r.serving?.cases.flatMap((c) => [c.app, c.quiet, c.bare]) ?? []), ...(r.memory ? [r.memory.load] : [])];
  const worst = Math.max(0, ...loads.map((l) => l.otherCores));
  if (loads.length === 0) return '';
  return worst > 0.25
    ? `During the load measurements other processes used up to ${n(worst, 2)} of the ${r.machine.cores} cores (column "others' CPU"): ` +
        'those numbers are lower and noisier than on a quiet machine, the app / bare ratios less so, since both servers are measured in alternating slices.'
    : `Other processes used at most ${n(worst, 2)} cores during the load measurements.`;
}

function howMeasured(r: Results): string {
  const slices = r.quick ? 3 : 5;
  return [
    `Serving: the app (createApp with the demo configuration, its log at the configured level into a file, over a copy of the`,
    `${n(r.archives[0]?.articles ?? 1000)}-article archive), the same app at log level warn, and a bare node:http server replaying`,
    'the app\'s recorded answers (same status, headers and bytes, checked first) run in child processes; autocannon runs in the',
    'parent, so on 2 cores the server',
    `has one core and the generator the other. ${r.connections} connections, keep-alive, a warm-up per answer (the app then serves`,
    `from its render cache), then ${r.seconds} s per server in ${slices} slices, the servers taking turns; req/s is completed requests over measured`,
    'time; "slices" in the targets table is the lowest and highest ratio of one slice of the app to the bare server\'s slice next',
    'to it, for how far a single comparison can stray on this machine. CPU columns come from /proc.',
    bodyCollectionOff
      ? 'autocannon\'s collection of response bodies into strings (for options we do not use) is switched off: it made the generator the bottleneck.'
      : 'This autocannon collects every response body into a string, which costs the generator CPU on large bodies.',
    'Archive growth: synthetic archives (titles of 40–100 characters, summaries of about 300, about 2 KB of HTML per body, nine',
    'categories, tags, images with caption and credit, related links; Zipf-distributed words) are generated once with prepared',
    'statements in transactions of 20,000 and cached in data/bench/, keyed by schema version, a hash of the migrations and the',
    'generator\'s version. A cold render is a request to a fresh createApp (an empty render cache) over the open database,',
    `timed from request to last byte, median of ${growthRepeats(r.quick)}, after twenty untimed ones (SQLite, OS and V8's compiled code warm);`,
    'the archives take turns, one request each per round, so that a slow moment of the machine falls on every size alike.',
    'An identity request: gzip and brotli forms are made when first asked for, so a cold render compresses nothing.',
    'Ingest: runIngest with the demo taxonomy and settings over 200 sources (every fourth one Atom 1.0, the others RSS 2.0) served gzip-compressed by a child process, each on its',
    'own port of 127.0.0.1 so that the one-request-per-host rule (a host is name and port) does not serialize them, into a fresh',
    `database${r.quick ? '' : ', three rounds of a fresh database each, the median round\'s figures shown'}; items/s is new items over the whole run's wall time; the event loop delay (perf_hooks, 5 ms resolution) is how long`,
    'a request to a server ingesting in its own process could wait. The re-poll sends each stored ETag and gets 304s; the last',
    'one sends none and gets 200s with the documents already stored. The parse floor: before each round, the documents the feed server',
    'serves (fetched once, decoded) are parsed on the bench\'s own thread, each by bare rss-parser, by parseFeed and, for those that take it,',
    'by the second reading alone, one after the other; items over the summed parse time, after an untimed pass; the median pass shown.',
    'Memory: the app in a child process over the largest archive renders every feed (all and each category in RSS, Atom and',
    'JSON, and the search) and serves them all in identity, gzip and brotli under load; the peak is the kernel\'s VmHWM.',
    'Memory during an ingest: the app in a child process (as `serve` builds it in one process, without the schedule) over a copy',
    'of the 100,000-article archive, its sources the ingest benchmark\'s loopback feeds, runs one ingest that stores every item as',
    'new; idle RSS is read just before, the peak is VmHWM reset at the start of the run (clear_refs), and the heap figure is the',
    'process\'s own process.memoryUsage() sampled every 20 ms (the prepare worker\'s heap is not in it, but is in RSS); the heap',
    'after a full collection (gc() on request, after the idle and after figures were read) is what the process holds.',
    ...(r.readers ? [readersHow(r.readers)] : []),
    ...(r.hub ? [hubHow(r.hub)] : []),
  ].join(' ');
}

function slowest(p: PacedResult): string {
  return p.slowest.slice(0, 3).map((s) => `${n(s.ms)} ms at ${n(s.atSeconds, 1)} s`).join(', ');
}

function hubHow(x: HubResult): string {
  return [
    `The built-in WebSub hub: \`wirefeed serve\` itself (default readers, one per core), over a copy of the ${n(x.articles)}-article archive,`,
    'nothing ingested, `websub.allow_private_callbacks` on (the callbacks are on 127.0.0.1) and the limits raised to the subscribers\' count.',
    `${n(x.subscribers)} subscribers of ${x.feedPath}, each its own callback with its own secret on one loopback server in a child process`,
    '(subscriber-server.ts), which echoes the verifications and checks every delivery\'s X-Hub-Signature. After an idle window of fixed-rate',
    'requests (paced.ts, as in the readers part: /feeds/all.rss with gzip and /healthz), each round first publishes, through the admin API,',
    'an article in another category (the control: 2 s of the same requests, no delivery), then one in the subscribed category, and',
    'runs the same requests from the admin answer until the last delivery has arrived (2 s at least); first and last are the arrival times the subscriber',
    'server read, against the bench\'s clock at the admin answer. CPU is every process of the serve (the writer thread, which delivers, is in',
    'the primary) and the subscriber server, over the window.',
  ].join(' ');
}

function hubSection(x: HubResult): string[] {
  const serveCores = (ps: { cores: number }[]) => ps.reduce((sum, p) => sum + p.cores, 0);
  const windowRow = (name: string, w: HubResult['idle']) => [
    name, `${n(w.seconds, 1)} s`, '', '', '', '', n(w.feed.p50, 1), n(w.feed.p99, 1), n(w.feed.max, 1), answers(w.feed),
    n(w.health.p99, 1), n(serveCores(w.processes), 2), '',
  ];
  const primary = (ps: { pid: number; role: string; cores: number; mainThreadCores: number }[]) => ps.find((p) => p.role === 'serve');
  const rows = [
    windowRow('idle', x.idle),
    ...x.rounds.flatMap((r, i) => {
      const writer = primary(r.processes);
      return [windowRow(`round ${i + 1}, control: nobody's feed`, x.controls[i]!), [
        `round ${i + 1}, delivering`, `${n(r.seconds, 1)} s`, n(r.firstMs), n(r.allMs / 1000, 2), n(r.delivered / (r.allMs / 1000)),
        `${n(r.delivered)} (${r.badSignatures} bad, ${r.repeated} repeated)`, n(r.feed.p50, 1), n(r.feed.p99, 1), n(r.feed.max, 1), answers(r.feed),
        n(r.health.p99, 1), `${n(serveCores(r.processes), 2)}${writer ? ` (primary ${n(writer.cores, 2)})` : ''}`, n(r.subscriberCores, 2),
      ]];
    }),
  ];
  return [
    `## The built-in WebSub hub: ${n(x.subscribers)} subscribers of one feed (${n(x.articles)}-article archive)`,
    '',
    `Subscribing and verifying all ${n(x.subscribers)}: ${n(x.subscribeSeconds, 1)} s. Each round: one article published through the admin API, ` +
      `then ${n(x.subscribers)} deliveries of ${x.feedPath} (${n((x.rounds[0]?.documentBytes ?? 0) / 1024)} KB, signed), ${x.concurrency} at a time, from the writer thread.`,
    '',
    table(['window', 'length', 'first delivery ms', 'all delivered s', 'deliveries/s', 'delivered', 'feed p50 ms', 'feed p99 ms', 'feed max ms', 'feed answers',
      '/healthz p99 ms', 'serve CPU (cores)', 'subscribers CPU'], rows),
    '',
    `Requests at ${x.idle.feed.rate}/s to /feeds/all.rss (gzip) and ${x.idle.health.rate}/s to /healthz in every window. Times of the first and the last delivery ` +
      'are from the admin API\'s answer. Every publication makes every reader render and compress /feeds/all.rss again, hub or not: each ' +
      'round\'s control publishes an article in a category nobody subscribed to (no delivery), which is that cost alone, then the round ' +
      `publishes one in ${x.feedPath}'s category. A delivering window lasts until the last delivery and at least as long as the control's (2 s).`,
    '',
    'The slowest feed requests, with when they were sent in their window: ' +
      x.rounds.map((r, i) => `round ${i + 1}, control ${slowest(x.controls[i]!.feed)}; delivering ${slowest(r.feed)}`).join('; ') + '.',
    '',
    x.logProblems.length
      ? `The serve's log at warn and above: ${x.logProblems.map((p) => `${p.event} ×${n(p.count)} ("${p.first}")`).join('; ')}.`
      : 'The serve logged nothing at warn or above.',
  ];
}

function readersSection(x: ReadersResult, connections: number, cores: number): string[] {
  const phases: [string, Phase][] = [
    ['idle', x.idle],
    [`POST /admin/ingest, ${n(x.ingest.itemsNew)} new items`, x.ingest],
    [`\`ingest --once\` in a second process, ${n(x.cli.itemsNew)} new items`, x.cli],
  ];
  const latencyRows = phases.flatMap(([name, p]) =>
    [p.feed, p.health].map((t) => [
      name, `${n(p.seconds, 1)} s`, t.name, `${n(t.requests)} at ${t.rate}/s`, n(t.p50, 1), n(t.p99, 1), n(t.max, 1), answers(t),
      p.lag ? `${n(p.lag.p99)} / ${n(p.lag.max)}` : 'n/a',
    ]),
  );
  // Every process seen in any phase, in the order first seen.
  const pids = [...new Set(phases.flatMap(([, p]) => p.processes.map((m) => m.pid)))];
  const memoryRows = pids.map((pid) => {
    const of = (p: Phase) => p.processes.find((m) => m.pid === pid);
    const first = phases.map(([, p]) => of(p)).find(Boolean)!;
    const last = [...phases].reverse().map(([, p]) => of(p)).find(Boolean)!;
    const cell = (p: Phase) => {
      const m = of(p);
      return m ? `${n(m.rss / MB)} MB, ${n(m.cores, 2)} cores (main thread ${n(m.mainThreadCores, 2)})` : '';
    };
    return [`${first.role} (pid ${pid})`, ...phases.map(([, p]) => cell(p)), `${n(last.peak / MB)} MB`];
  });
  const cpuRows = phases.map(([name, p]) => [name, n(p.generatorCores, 2), n(p.upstreamCores, 2), n(p.otherCores, 2)]);
  const { one, two } = x.scaling;
  const scalingRows = [
    [`--readers 1${x.readersFlag ? '' : ' (no flag: this build has one process)'}`, String(x.scaling.oneProcesses), ...loadCells(one)],
    ...(two ? [['--readers 2', String(x.scaling.twoProcesses ?? '?'), ...loadCells(two)]] : []),
  ];
  const slow = (p: Phase) =>
    p.feed.slowest.slice(0, 3).map((s) => `${n(s.ms)} ms at ${n(s.atSeconds, 1)} s`).join(', ');
  return [
    `## Readers and the writer: serving during an ingest (${n(x.articles)}-article archive, ${x.feeds} feeds × ${x.itemsPerFeed} items)`,
    '',
    table(['phase', 'window', 'requests to', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'answers', 'event loop delay p99 / max ms'], latencyRows),
    '',
    `The feed is /feeds/all.rss asked for with gzip, warmed first. The slowest feed requests, with when they were sent in their window: during the ingest ${slow(x.ingest)}; ` +
      `beside the CLI ${slow(x.cli)}. The request generator itself (this process, on the same cores) issued requests up to ` +
      `${n(Math.max(...phases.map(([, p]) => p.feed.lateMax)))} ms late (p99 ${n(Math.max(...phases.map(([, p]) => p.feed.lateP99)))} ms): ` +
      'not in the latencies, each timed from when it was issued, but fewer requests were in flight at those moments than the rate asks for.',
    '',
    `The ingest asked for with POST /admin/ingest: ${n(x.ingest.itemsNew)} new items in ${n(x.ingest.seconds, 1)} s, ` +
      `${x.ingest.failedSources.length ? `${x.ingest.failedSources.length} sources failed (${x.ingest.failedSources.slice(0, 3).join('; ')})` : 'no source failed'}. ` +
      `The CLI ingest: exit ${x.cli.exitCode ?? 'by signal'} after ${n(x.cli.seconds, 1)} s, ${n(x.cli.itemsNew)} articles more in the database; what it printed: ` +
      `${x.cli.lastLines.map((l) => `"${l.trim()}"`).join(' ')}`,
    '',
    ...phases.flatMap(([name, p]) =>
      p.serveDied
        ? [`**The serve ended during "${name}"**, ${n(p.serveDied.afterSeconds, 1)} s into the window, with ${p.serveDied.signal ?? `exit ${p.serveDied.code}`}; ` +
            `every request after that found no server. The end of its log:`, '', '```', ...p.serveDied.logTail.map((l) => l.slice(0, 400)), '```', '']
        : [],
    ),
    x.logProblems.length
      ? `The serve's log at warn and above: ${x.logProblems.map((p) => `${p.event} ×${n(p.count)} ("${p.first}")`).join('; ')}.`
      : 'The serve logged nothing at warn or above.',
    '',
    'Resident memory (the highest VmRSS sampled every 100 ms) and CPU of every process, per phase, with its main thread\'s share ' +
      '(the rest is its worker threads: in serve\'s primary, the writer\'s); the peak is VmHWM at the end:',
    '',
    table(['process', ...phases.map(([name]) => name), 'peak (VmHWM)'], memoryRows),
    '',
    table(['phase', 'request generator CPU', 'upstream feeds CPU', "others' CPU"], cpuRows),
    '',
    '## Readers and the writer: warm /feeds/all.rss throughput, N readers vs one',
    '',
    table(['serve', 'processes', 'req/s', 'p50 ms', 'p99 ms', 'server CPU', 'autocannon CPU', "others' CPU", 'answers'], scalingRows),
    '',
    scalingNote(x, connections, cores),
  ];
}

function answers(t: PacedResult): string {
  const statuses = Object.entries(t.statuses).map(([k, v]) => `${k}: ${n(v)}`).join(', ');
  const codes = Object.entries(t.errorCodes).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  return `${statuses}${t.errors ? `, no answer: ${t.errors} (${codes})` : ''}`;
}

/** What bounds the N-readers ratio on this machine: the cores the server, autocannon and others used. */
function scalingNote(x: ReadersResult, connections: number, cores: number): string {
  const { one, two } = x.scaling;
  const head = `${connections} connections, as many requests as they carry; CPU columns are in cores, every process of the serve counted.`;
  const perCore = (l: LoadResult) => l.requestsPerSecond / l.serverCores;
  if (!two) return `${head} ${x.scaling.note ?? ''}; ${n(perCore(one))} requests per server core.`;
  const busy = two.serverCores + two.generatorCores + two.otherCores;
  const bound = busy >= cores - 0.2
    ? `the machine's ${cores} cores were full (${n(busy, 2)}), so the ratio is bounded by what autocannon and other processes took of them, not by the readers`
    : `${n(busy, 2)} of the machine's ${cores} cores were busy, so the cores did not bound it`;
  return `${head} With two readers the server used ${n(two.serverCores, 2)} cores, autocannon ${n(two.generatorCores, 2)} and other processes ` +
    `${n(two.otherCores, 2)}: ${bound}. Requests per server core: ${n(perCore(one))} with one reader, ${n(perCore(two))} with two ` +
    '(what N readers would serve with N cores to themselves, if the generator were elsewhere).';
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** CPU seconds the service spent per new item in the fresh ingest. */
function cpuPerItem(i: IngestResult): number {
  return (i.serviceCores * i.seconds) / i.itemsNew;
}
