// The Varnish part's targets and section of the report (report.ts).
import type { VarnishResult } from './varnish.js';

type Row = string[];
type Outcome = VarnishResult | { skipped: string };

const n = (value: number, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/**
 * The share of client requests answered without wirefeed: every request
 * that reached it is in its own /metrics, exactly. (varnishstat's hits and
 * misses say the same, but its worker threads add their counts to the
 * totals only now and then, so a read can miss the last few.)
 */
export function hitRatio(x: VarnishResult): number {
  const asked = x.load.requests + x.checkRequests;
  return (asked - x.originFeedRequests) / asked;
}

function visible(x: VarnishResult): { median: number; max: number } {
  const ms = x.publishes.map((p) => p.visibleMs).sort((a, b) => a - b);
  return { median: ms[Math.floor((ms.length - 1) / 2)] ?? Number.NaN, max: ms[ms.length - 1] ?? Number.NaN };
}

function stayedCached(x: VarnishResult): boolean {
  const { before, after } = x.unrelated;
  return after.cache === 'HIT' && after.etag === before.etag && after.age > before.age;
}

export function varnishTargetRows(x: Outcome): Row[] {
  if ('skipped' in x) return [['behind Varnish', `not measured: ${x.skipped}`, '—', 'n/a']];
  const v = visible(x);
  return [
    [
      `behind Varnish, ${x.connections} polling clients: hit ratio`,
      `${n(100 * hitRatio(x), 3)}% (${n(x.originFeedRequests)} of ${n(x.load.requests + x.checkRequests)} requests reached wirefeed)`,
      '> 99%',
      verdict(hitRatio(x) > 0.99),
    ],
    [
      `behind Varnish: a change served through it after its commit (${x.publishes.length} publish${x.publishes.length === 1 ? '' : 'es'})`,
      `median ${n(v.median)} ms, max ${n(v.max)} ms`,
      '≤ 1 s',
      verdict(x.publishes.length > 0 && v.max <= 1000),
    ],
    ['behind Varnish: a feed no change touched', stayedCached(x) ? 'stayed cached' : 'was fetched again', 'stays cached', verdict(stayedCached(x))],
  ];
}

export function varnishSection(x: Outcome): string[] {
  if ('skipped' in x) return ['## Behind Varnish', '', `Not measured: ${x.skipped}.`];
  const c = x.counters;
  const load = x.load;
  const statuses = Object.entries(load.statuses).map(([code, count]) => `${code}: ${n(count)}`).join(', ');
  const v = visible(x);
  const { before, after } = x.unrelated;
  return [
    '## Behind Varnish',
    '',
    table(['measure', 'value'], [
      ['client requests (the pollers)', `${n(load.requests)} in ${n(load.seconds, 1)} s (${n(load.requests / load.seconds)}/s): ${statuses}; errors ${n(load.errors)}; p50 ${n(load.p50)} ms, p99 ${n(load.p99)} ms`],
      ['Varnish lookups (varnishstat)', `${n(c.cache_hit ?? 0)} hits (${n(c.cache_hit_grace ?? 0)} of them stale), ${n(c.cache_miss ?? 0)} misses, ${n(c.cache_hitmiss ?? 0)} hit-for-miss, ${n(c.s_pass ?? 0)} passes`],
      ['requests to wirefeed', `${n(c.backend_req ?? 0)} (varnishstat backend_req); wirefeed answered ${n(x.originFeedRequests)} feed requests (its /metrics)`],
      ['hit ratio: client requests that did not reach wirefeed', `${n(100 * hitRatio(x), 3)}%`],
      ['articles published (admin API), one every few seconds', `${x.publishes.length}: ${x.publishes.map((p) => `${p.category} ${n(p.visibleMs)} ms`).join(', ')}`],
      ['change served through Varnish after the commit', `median ${n(v.median)} ms, max ${n(v.max)} ms`],
      ['purges sent by wirefeed', `${n(x.purges.ok)} requests, ${n(x.purges.keys)} keys, ${n(x.purges.failed)} failed; Varnish added ${n(c.bans_added ?? 0)} bans, which dropped ${n(c.bans_obj_killed ?? 0)} objects`],
      [`a feed no change touched, ${x.unrelated.path}`, `before: ${before.cache}, Age ${before.age}; after: ${after.cache}, Age ${after.age}, ${after.etag === before.etag ? 'the same ETag' : `ETag ${before.etag} → ${after.etag}`}`],
      [
        'CPU, cores',
        `varnishd ${n(x.cores.varnish, 2)}, wirefeed ${n(x.cores.wirefeed, 2)}, pollers ${n(x.cores.poller, 2)}, ` +
          `publisher ${n(x.cores.bench, 2)}, other processes ${n(x.cores.others, 2)}`,
      ],
    ]),
    '',
    `${x.varnish} with deploy/varnish/wirefeed.vcl (-s malloc,64m) in front of \`wirefeed serve\` (one process: server.readers 1) with the demo ` +
      'configuration (its sources ingested at start, no scheduled ingest) and `edge.purgers` naming Varnish, both on 127.0.0.1. The pollers: ' +
      `autocannon in a process of its own, ${x.connections} keep-alive connections for the whole window, each request a feed picked at random among ` +
      `the ${x.feeds} the OPML list advertises (all, categories, sources, tags; RSS, Atom and JSON), 80% asking for gzip, various feed reader ` +
      'Accept lists, and 30% conditional (If-None-Match with the ETag last seen for that feed and encoding). Every feed was fetched once ' +
      'through Varnish before the window. During it, the bench process published an article (title and text of made-up words, so that ' +
      'relate links it to no other story) into one category after another, and from the admin API\'s 201 (the change is committed before ' +
      'it answers) asked Varnish for that category\'s JSON feed every 10 ms until the article was in it ' +
      `(${n(x.checkRequests)} requests, in the Varnish counters but not in the pollers'). Counters are differences over the window.`,
  ];
}

function table(header: Row, rows: Row[]): string {
  return [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
