// The configuration file's schema (zod): every key, its type, its default
// and the message a wrong value gets. config.ts reads the file, checks what
// a schema cannot (references between keys, the environment) and maps it
// to the typed Config.
import ms from 'ms';
import cron from 'node-cron';
import { z } from 'zod';
import { defaultIframeHosts } from '../ingest/clean/sanitize.js';
import { DEFAULT_SEARCH_WINDOW } from '../store/articles/search-window.js';

// Site furniture that news pages append to every story (RSS and Atom
// bodies are often the page's HTML): a paragraph whose whole text matches is dropped.
const defaultBoilerplate = [
  '^you must be logged in to post a comment\\.?$',
  '^share (this|on)\\b.{0,80}$',
  '^(continue reading|read more)\\b.{0,80}$',
];

/**
 * What is wrong with an admin token (config or environment), if anything. A
 * blank one is a mistake (a secret that did not arrive), not "API off"; and
 * a bearer token has no spaces (RFC 6750 section 2.1), so one with spaces
 * could never be presented.
 */
export function adminTokenProblem(token: string): string | undefined {
  if (token.trim() === '') return 'is empty: set a token of at least 16 characters, or leave it out to turn the admin API off';
  if (/\s/.test(token)) return 'must not contain spaces (RFC 6750 section 2.1)';
  if (token.length < 16) return 'must be at least 16 characters';
  return undefined;
}

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

// Fractions too, down to a millisecond: the tests run servers with timeouts of a fraction of a second.
const seconds = z.number().min(0.001, 'must be a number of seconds, at least 0.001');
/** A purge endpoint of the cache in front (publish/edge/purge-request.ts); `{key}` in the URL: one request per key. */
const purgerSchema = z
  .object({
    url: httpUrl,
    method: z.string().regex(/^[A-Z]+$/, 'must be an HTTP method in capitals, like PURGE or POST').default('PURGE'),
    keys_header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name, like Surrogate-Key').default('Surrogate-Key'),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string()).default({}),
    body: z.string().includes('{keys}', { message: 'must hold {keys}, where the keys go as a JSON array' }).optional(),
    batch: z.number().int().min(1).max(1000).default(256),
  })
  .strict();
// Whole seconds, as WebSub's hub.lease_seconds is.
const leaseSeconds = z.number().int().min(1, 'must be at least 1 second');
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug (a-z, 0-9, dashes)');
const interval = z.string().refine((v) => {
  const n = ms(v as ms.StringValue);
  return typeof n === 'number' && n >= 60_000;
}, 'must be a duration of at least one minute, like "15m" or "2h"');

const sourceSchema = z
  .object({
    slug,
    name: z.string().min(1),
    url: z.string().regex(/^(https?|file):\/\//, 'must be an http(s):// or file:// URL').optional(),
    file: z.string().min(1).optional(),
    articles: z.string().min(1).optional(),
    site_url: httpUrl.optional(),
    categories: z.array(slug).default([]),
    every: interval.default('15m'),
    // Items it dates in the future are embargoed until then (ingest/clean/embargo.ts).
    embargo_aware: z.boolean().default(false),
  })
  .strict()
  .refine((s) => [s.url, s.file, s.articles].filter(Boolean).length === 1, {
    message: 'needs exactly one of "url", "file" or "articles"',
  });

const categorySchema = z
  .object({
    slug,
    label: z.string().min(1).regex(/^[^<>]*$/, 'must not contain < or >'),
    parent: slug.optional(),
    upstream: z.array(z.string()).default([]),
    keywords: z.array(z.string()).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    site: z
      .object({
        title: z.string().min(1),
        description: z.string().default(''),
        base_url: httpUrl,
        language: z.string().default('en'),
        author: z.string().min(1),
        rights: z.string().optional(),
      })
      .strict(),
    server: z
      .object({
        port: z.number().int().min(0).max(65535).default(8080),
        idle_timeout_seconds: seconds.default(30),
        headers_timeout_seconds: seconds.default(10),
        keep_alive_timeout_seconds: seconds.default(5),
        request_timeout_seconds: seconds.default(30),
        max_connections: z.number().int().positive().default(500),
        shutdown_grace_seconds: seconds.default(10),
        writer_heartbeat_seconds: seconds.default(2),
        writer_timeout_seconds: seconds.default(10),
        // Reader processes of `serve`; 0: one per core. 1: one process that does everything.
        readers: z.number().int().min(0).max(64).default(0),
      })
      .strict()
      .prefault({}),
    database: z.string().default('../data/wirefeed.db'),
    publish: z
      .object({
        full_text_public: z.boolean().default(false),
        limit: z.number().int().min(1).max(200).default(50),
        max_age_seconds: z.number().int().min(0).default(300),
        cache_megabytes: z.number().positive().default(64),
        partner_requests_per_minute: z.number().int().positive().default(120),
        partner_counts_flush_seconds: z.number().positive().max(3600).default(5),
        search_window: z.number().int().min(1).default(DEFAULT_SEARCH_WINDOW),
        hub: httpUrl.optional(),
        metadata_in_html: z.boolean().default(true),
        // How long an Atom feed names a withdrawn article (RFC 6721 tombstone); 0: never.
        tombstone_days: z.number().min(0).max(3650).default(7),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        schedule: z.string().refine((v) => cron.validate(v), 'must be a cron expression, like "*/5 * * * *"').default('* * * * *'),
        on_start: z.boolean().default(true),
        concurrency: z.number().int().min(1).max(64).default(8),
        timeout_seconds: z.number().positive().default(20),
        connect_timeout_seconds: z.number().positive().default(10),
        max_bytes: z.number().int().positive().default(10 * 1024 * 1024),
        // A news article is 500 to 5,000 words, a long-read 10,000 or so: about
        // 60 KB of text, twice that with its markup. A quarter of a MiB holds
        // the longest of them whole; past it, a body is a dump, not a story.
        max_content_bytes: z.number().int().min(1024).default(256 * 1024),
        max_redirects: z.number().int().min(0).max(20).default(5),
        max_backoff: interval.default('24h'),
        boilerplate: z.array(z.string()).default([...defaultBoilerplate]),
        iframe_hosts: z.array(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a host name, like "www.youtube.com"')).default([...defaultIframeHosts]),
      })
      .strict()
      .prefault({}),
    log: z.object({ level: z.enum(logLevels).default('info') }).strict().default({ level: 'info' }),
    admin: z
      .object({
        token: z
          .string()
          .superRefine((token, check) => {
            const problem = adminTokenProblem(token);
            if (problem) check.addIssue({ code: 'custom', message: problem });
          })
          .optional(),
        allow_private_sources: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    // A cache in front (Varnish, a CDN): how long it may keep public answers, and where to purge them.
    edge: z
      .object({
        max_age_seconds: z.number().int().min(0).optional(),
        stale_while_revalidate_seconds: z.number().int().min(0).default(60),
        stale_if_error_seconds: z.number().int().min(0).default(86_400),
        purgers: z.array(purgerSchema).default([]),
      })
      .strict()
      .prefault({}),
    // The built-in WebSub hub (src/hub/): on by default, off when publish.hub names another.
    websub: z
      .object({
        enabled: z.boolean().default(true),
        lease_seconds: leaseSeconds.default(10 * 24 * 3600),
        min_lease_seconds: leaseSeconds.default(3600),
        max_lease_seconds: leaseSeconds.default(30 * 24 * 3600),
        max_subscriptions: z.number().int().min(1).default(10_000),
        max_per_host: z.number().int().min(1).default(100),
        concurrency: z.number().int().min(1).max(256).default(16),
        timeout_seconds: seconds.default(10),
        retry_seconds: seconds.default(60),
        max_retry_seconds: seconds.default(4 * 3600),
        // 60 s doubling to 4 h: the fourteenth attempt comes about a day after the first.
        max_attempts: z.number().int().min(1).max(100).default(14),
        allow_private_callbacks: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    // Partner webhooks (src/webhooks/): kill and correction notices POSTed to the partners that registered a URL.
    webhooks: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(8),
        timeout_seconds: seconds.default(10),
        retry_seconds: seconds.default(60),
        max_retry_seconds: seconds.default(4 * 3600),
        // As for the hub: 60 s doubling to 4 h, the fourteenth attempt about a day after the first.
        max_attempts: z.number().int().min(1).max(100).default(14),
        allow_private_urls: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    categories: z.array(categorySchema).default([]),
    tags: z
      .array(
        z
          .object({
            name: z.string().min(1),
            aliases: z.array(z.string().min(1)).default([]),
            // What the name is, for ninjs places, people and organisations (publish/partner/ninjs.ts).
            kind: z.enum(['place', 'person', 'organisation']).optional(),
          })
          .strict(),
      )
      .default([]),
    sources: z.array(sourceSchema).default([]),
  })
  .strict();
