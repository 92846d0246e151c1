// The polling load of the Varnish benchmark (varnish.ts), in a process of
// its own so that it does not share an event loop with the publisher and
// its timings: autocannon, CONNECTIONS keep-alive clients for SECONDS, each
// request a feed picked at random, with the headers feed readers send:
// mostly gzip, some identity, several Accept lists, and a share of
// conditional requests carrying the ETag last seen for that feed and
// encoding (as a reader that polled it before would). Told what to do over
// IPC; answers with its figures and exits.
import autocannon from 'autocannon';
import { bodyCollectionOff } from './load.js';

export interface PollJob {
  base: string;
  paths: string[];
  connections: number;
  seconds: number;
  /** Of requests, the share sent with If-None-Match (when an ETag was seen). */
  conditionalShare: number;
  /** Of requests, the share that accepts gzip (the rest: identity). */
  gzipShare: number;
}

export interface PollResult {
  requests: number;
  seconds: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  p50: number;
  p99: number;
  /** Whether autocannon's body collection was off (it only costs the generator CPU). */
  bodyCollectionOff: boolean;
}

const accepts = [
  'application/rss+xml, application/rdf+xml;q=0.8, application/atom+xml;q=0.6, application/xml;q=0.4, text/xml;q=0.4',
  'application/atom+xml,application/rss+xml;q=0.9,*/*;q=0.8',
  'application/feed+json, application/json;q=0.9',
  '*/*',
];

interface Pick {
  key: string;
}

async function poll(job: PollJob): Promise<PollResult> {
  const etags = new Map<string, string>();
  const started = performance.now();
  const result = await autocannon({
    url: job.base,
    connections: job.connections,
    duration: job.seconds,
    requests: [
      {
        setupRequest: (req, context) => {
          const path = job.paths[Math.floor(Math.random() * job.paths.length)]!;
          const gzip = Math.random() < job.gzipShare;
          const key = `${path} ${gzip}`;
          (context as Pick).key = key;
          const headers: Record<string, string> = { accept: accepts[Math.floor(Math.random() * accepts.length)]! };
          if (gzip) headers['accept-encoding'] = 'gzip';
          const etag = etags.get(key);
          if (etag && Math.random() < job.conditionalShare) headers['if-none-match'] = etag;
          return { ...req, method: 'GET', path, headers };
        },
        onResponse: (status, _body, context, headers) => {
          const etag = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'etag')?.[1];
          if (status === 200 && typeof etag === 'string') etags.set((context as Pick).key, etag);
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = (stat as { count: number }).count;
  return {
    requests: Object.values(statuses).reduce((a, b) => a + b, 0),
    seconds: (performance.now() - started) / 1000,
    statuses,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bodyCollectionOff,
  };
}

process.once('message', (job: PollJob) => {
  poll(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
