// The one place that reads the configuration file and process.env. The result
// is typed, validated (zod, config/schema.ts) and frozen; every other module
// receives it.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ms from 'ms';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { adminTokenProblem, configSchema, logLevels } from './schema.js';
import { plainIssue } from '../plain-issues.js';
import type { Category, SourceConfig } from '../model.js';
import { packageRoot } from '../paths.js';

export const defaultConfigPath = resolve(packageRoot, 'config', 'default.yaml');

export interface CategoryRule extends Category {
  /** A broader category: an article in this one is in its parent too. */
  parent?: string;
  upstream: string[];
  keywords: string[];
}

/** A person, place or organisation that is one tag whatever it is called. */
export interface GazetteerEntry {
  name: string;
  aliases: string[];
  /** What it names, when the config says: ninjs lists it under places, people or organisations. */
  kind?: 'place' | 'person' | 'organisation';
}

export interface Config {
  configPath: string;
  site: { title: string; description: string; baseUrl: string; language: string; author: string; rights?: string };
  port: number;
  /** Bounds on what a client's connection may hold (http/server.ts) and on stopping (cli/serve/serve.ts). */
  server: {
    /** Nothing moving on a connection: no request yet, stalled headers, or an answer the client stopped reading. */
    idleTimeoutMs: number;
    /** From the connection's accept, or a keep-alive request's first byte, to the end of its headers. */
    headersTimeoutMs: number;
    /** A keep-alive connection waiting for its next request. */
    keepAliveTimeoutMs: number;
    /** A whole request, headers and body, as received. */
    requestTimeoutMs: number;
    /** Connections open at once; past it new ones are closed as they arrive. */
    maxConnections: number;
    /** How long a stop waits for requests in flight before cutting them. */
    shutdownGraceMs: number;
    /** How often the writer beats the lease, and a waiting process tries to take it (store/db/lease.ts). */
    writerHeartbeatMs: number;
    /** A beat this old lets another process take over the writing. */
    writerTimeoutMs: number;
    /** Reader processes `serve` runs (cli/serve/readers.ts); 1 is one process that does everything. */
    readers: number;
  };
  databasePath: string;
  publish: {
    fullTextPublic: boolean;
    limit: number;
    /** Cache-Control max-age of feed responses. */
    maxAgeSeconds: number;
    /** Bound of the rendered-feed cache. */
    cacheBytes: number;
    /** Each partner key's request budget. */
    partnerRequestsPerMinute: number;
    /** How often partner request counts, tallied in memory, are written (store/partner-usage.ts). */
    partnerUsageFlushMs: number;
    /** Search ranks the newest this many matches of a query (store/articles/search.ts). */
    searchWindow: number;
    /** Another WebSub hub, named in every feed instead of the built-in one and pinged when a feed changes (publish/push/websub.ts). */
    hub?: string;
    /** Show the image, categories and related stories in each item's HTML body too (itemBodyHtml in publish/document.ts). */
    metadataInHtml: boolean;
    /** How long a withdrawn article's tombstone stays in its Atom feeds (RFC 6721); 0: none. */
    tombstoneMs: number;
  };
  ingest: {
    schedule: string;
    onStart: boolean;
    concurrency: number;
    timeoutMs: number;
    connectTimeoutMs: number;
    maxBytes: number;
    /** An article's stored HTML content is cut to this many bytes (UTF-8). */
    maxContentBytes: number;
    maxRedirects: number;
    /** The longest a failing source waits before its next try. */
    maxBackoffMs: number;
    boilerplate: RegExp[];
    /** Hosts whose https iframes (embedded video) survive sanitizing. */
    iframeHosts: string[];
  };
  logLevel: string;
  admin: {
    /** The bearer token of the admin API; absent: the API is off (404). */
    token?: string;
    /** Sources added through the API may point at private and loopback addresses. */
    allowPrivateSources: boolean;
  };
  /** A cache in front of the service (publish/edge/). */
  edge: {
    /** Surrogate-Control max-age of public answers: long when purgers keep the cache current, else publish.maxAgeSeconds. */
    maxAgeSeconds: number;
    staleWhileRevalidateSeconds: number;
    staleIfErrorSeconds: number;
    purgers: Purger[];
  };
  /** The built-in WebSub hub (hub/) and the hub every feed names. */
  websub: {
    /** The built-in hub answers POST /websub and pushes changes: `websub.enabled`, unless `publish.hub` names another hub. */
    builtIn: boolean;
    /** The hub every feed names (rel="hub", JSON Feed `hubs`): `publish.hub`, else the built-in one's {base_url}/websub, else none. */
    hubUrl?: string;
    /** Leases granted (WebSub 5.1 hub.lease_seconds): the default when none is asked, and the bounds an asked one is clamped to. */
    leaseSeconds: number;
    minLeaseSeconds: number;
    maxLeaseSeconds: number;
    /** Subscriptions and requests waiting for verification, in all and per callback host. */
    maxSubscriptions: number;
    maxPerHost: number;
    /** Requests to callbacks (verifications and deliveries) in flight at once. */
    concurrency: number;
    /** One request to a callback, from connect to the end of its answer. */
    timeoutMs: number;
    /** The wait after a delivery's first failure; it doubles after each one, up to maxRetryMs. */
    retryMs: number;
    maxRetryMs: number;
    /** Attempts at one delivery before it is given up. */
    maxAttempts: number;
    /** Callbacks may be loopback, private or other non-public addresses (an intranet, a benchmark). */
    allowPrivateCallbacks: boolean;
  };
  webhooks: {
    /** Requests to partners' webhooks in flight at once (one per partner at a time). */
    concurrency: number;
    /** One request, from connect to the end of its answer. */
    timeoutMs: number;
    /** The wait after a delivery's first failure; it doubles after each one, up to maxRetryMs. */
    retryMs: number;
    maxRetryMs: number;
    /** Attempts at one delivery before it is given up. */
    maxAttempts: number;
    /** Webhook URLs may be loopback, private or other non-public addresses (an intranet). */
    allowPrivateUrls: boolean;
  };
  categories: CategoryRule[];
  gazetteer: GazetteerEntry[];
  sources: SourceConfig[];
}

/** Where the writer sends the keys to purge (publish/edge/purge-request.ts). */
export interface Purger {
  /** May hold `{key}`: then one request per key, the key in the URL; else the keys go in `keysHeader`. */
  url: string;
  method: string;
  keysHeader: string;
  /** Sent with every purge: a CDN's API token, say. Never logged. */
  headers: Record<string, string>;
  /** A request body with `{keys}` where the keys go as a JSON array (Cloudflare: `{"tags": {keys}}`); then no keys header. */
  body?: string;
  /** Keys per request at most. */
  batch: number;
}

/** Where the built-in hub answers: a path on site.base_url. */
export const BUILT_IN_HUB_PATH = '/websub';

type ConfigFile = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads, validates and freezes the configuration. Every problem is found
 * before any is reported: one ConfigError, a line per problem, each naming
 * the file and the key (or environment variable) and what is wrong, in plain words.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const configPath = resolve(env.WIREFEED_CONFIG || defaultConfigPath);
  const raw = readConfigFile(configPath);
  const problems: string[] = [];
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => plainIssue(i, '(top level)', raw ?? {})));

  const port = env.WIREFEED_PORT === undefined ? (parsed.data?.server.port ?? 8080) : Number(env.WIREFEED_PORT);
  if (!/^\d{1,5}$/.test(env.WIREFEED_PORT ?? String(port)) || port > 65535) {
    problems.push(`WIREFEED_PORT (environment): must be a port number, got "${env.WIREFEED_PORT}"`);
  }
  const baseUrl = (env.WIREFEED_BASE_URL ?? parsed.data?.site.base_url ?? 'http://unset').replace(/\/+$/, '');
  if (env.WIREFEED_BASE_URL !== undefined && (!/^https?:\/\//.test(baseUrl) || !URL.canParse(baseUrl))) {
    problems.push(`WIREFEED_BASE_URL (environment): must be an http(s) URL, got "${baseUrl}"`);
  }
  const logLevel = env.WIREFEED_LOG_LEVEL ?? parsed.data?.log.level ?? 'info';
  if (!logLevels.includes(logLevel as (typeof logLevels)[number])) {
    problems.push(`WIREFEED_LOG_LEVEL (environment): must be one of ${logLevels.join(', ')}, got "${logLevel}"`);
  }
  // Set at all, even to "", it is the token: an empty one must not quietly leave the API off.
  const tokenProblem = env.WIREFEED_ADMIN_TOKEN === undefined ? undefined : adminTokenProblem(env.WIREFEED_ADMIN_TOKEN);
  if (tokenProblem) problems.push(`WIREFEED_ADMIN_TOKEN (environment): ${tokenProblem}`);

  const c = parsed.data;
  const boilerplate = c ? crossKeyProblems(c, problems) : [];
  if (!c || problems.length > 0) {
    // One line per problem, each naming the file: one problem is one line, and many are all there at once.
    throw new ConfigError(problems.map((p) => `config: ${configPath}: ${p}`).join('\n'));
  }
  const here = dirname(configPath);
  const adminToken = env.WIREFEED_ADMIN_TOKEN ?? c.admin.token;

  const config: Config = {
    configPath,
    site: { ...c.site, baseUrl },
    port,
    server: {
      idleTimeoutMs: msOf(c.server.idle_timeout_seconds),
      headersTimeoutMs: msOf(c.server.headers_timeout_seconds),
      keepAliveTimeoutMs: msOf(c.server.keep_alive_timeout_seconds),
      requestTimeoutMs: msOf(c.server.request_timeout_seconds),
      maxConnections: c.server.max_connections,
      shutdownGraceMs: msOf(c.server.shutdown_grace_seconds),
      writerHeartbeatMs: msOf(c.server.writer_heartbeat_seconds),
      writerTimeoutMs: msOf(c.server.writer_timeout_seconds),
      readers: c.server.readers === 0 ? availableParallelism() : c.server.readers,
    },
    databasePath: env.WIREFEED_DB ? resolve(env.WIREFEED_DB) : resolve(here, c.database),
    publish: {
      fullTextPublic: c.publish.full_text_public,
      limit: c.publish.limit,
      maxAgeSeconds: c.publish.max_age_seconds,
      cacheBytes: Math.round(c.publish.cache_megabytes * 1024 * 1024),
      partnerRequestsPerMinute: c.publish.partner_requests_per_minute,
      partnerUsageFlushMs: msOf(c.publish.partner_counts_flush_seconds),
      searchWindow: c.publish.search_window,
      hub: c.publish.hub,
      metadataInHtml: c.publish.metadata_in_html,
      tombstoneMs: Math.round(c.publish.tombstone_days * 86_400_000),
    },
    ingest: {
      schedule: c.ingest.schedule,
      onStart: c.ingest.on_start,
      concurrency: c.ingest.concurrency,
      timeoutMs: c.ingest.timeout_seconds * 1000,
      connectTimeoutMs: c.ingest.connect_timeout_seconds * 1000,
      maxBytes: c.ingest.max_bytes,
      maxContentBytes: c.ingest.max_content_bytes,
      maxRedirects: c.ingest.max_redirects,
      maxBackoffMs: ms(c.ingest.max_backoff as ms.StringValue),
      boilerplate,
      iframeHosts: c.ingest.iframe_hosts.map((h) => h.toLowerCase()),
    },
    logLevel,
    admin: { token: adminToken, allowPrivateSources: c.admin.allow_private_sources },
    edge: {
      // A day when purges keep the cache in front current; without purgers it may keep no longer than anyone else.
      maxAgeSeconds: c.edge.max_age_seconds ?? (c.edge.purgers.length > 0 ? 86_400 : c.publish.max_age_seconds),
      staleWhileRevalidateSeconds: c.edge.stale_while_revalidate_seconds,
      staleIfErrorSeconds: c.edge.stale_if_error_seconds,
      purgers: c.edge.purgers.map((p) => ({ url: p.url, method: p.method, keysHeader: p.keys_header, headers: p.headers, body: p.body, batch: p.batch })),
    },
    websub: websubConfig(c, baseUrl),
    webhooks: {
      concurrency: c.webhooks.concurrency,
      timeoutMs: msOf(c.webhooks.timeout_seconds),
      retryMs: msOf(c.webhooks.retry_seconds),
      maxRetryMs: msOf(c.webhooks.max_retry_seconds),
      maxAttempts: c.webhooks.max_attempts,
      allowPrivateUrls: c.webhooks.allow_private_urls,
    },
    categories: c.categories,
    gazetteer: c.tags,
    sources: c.sources.map((s) => ({
      slug: s.slug,
      name: s.name,
      url: s.url ?? (s.file ? pathToFileURL(resolve(here, s.file)).href : undefined),
      articlesDir: s.articles ? resolve(here, s.articles) : undefined,
      siteUrl: s.site_url,
      categories: s.categories,
      everyMinutes: Math.round(ms(s.every as ms.StringValue) / 60_000),
      embargoAware: s.embargo_aware,
    })),
  };
  return deepFreeze(config);
}

/** The file as YAML; a file that cannot be read or parsed is a ConfigError of one line. */
function readConfigFile(configPath: string): unknown {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError(`config: cannot read ${configPath}: ${why} (set WIREFEED_CONFIG or --config to the YAML file)`, { cause: err });
  }
  try {
    return parseYaml(text);
  } catch (err) {
    const { linePos, message } = err as { linePos?: { line: number; col: number }[]; message?: string };
    const first = (message ?? String(err)).split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const at = linePos?.[0] ? `line ${linePos[0].line}, column ${linePos[0].col}: ` : '';
    throw new ConfigError(`config: ${configPath} is not valid YAML: ${at}${first}`, { cause: err });
  }
}

/** What the schema cannot check (references between keys); adds to `problems`, returns the compiled boilerplate. */
function crossKeyProblems(c: ConfigFile, problems: string[]): RegExp[] {
  // node:http refuses a header timeout longer than the request's; say which keys rather than let it throw at start.
  if (c.server.headers_timeout_seconds > c.server.request_timeout_seconds) {
    problems.push('server.headers_timeout_seconds: must not be more than server.request_timeout_seconds');
  }
  // The writer steps down at half the timeout without a beat: one late beat must not make it.
  if (msOf(c.server.writer_timeout_seconds) < 3 * msOf(c.server.writer_heartbeat_seconds)) {
    problems.push('server.writer_timeout_seconds: must be at least three times server.writer_heartbeat_seconds');
  }
  const { lease_seconds: lease, min_lease_seconds: min, max_lease_seconds: max } = c.websub;
  if (min > max) problems.push('websub.min_lease_seconds: must not be more than websub.max_lease_seconds');
  else if (lease < min || lease > max) problems.push(`websub.lease_seconds: must be from websub.min_lease_seconds (${min}) to websub.max_lease_seconds (${max})`);
  if (c.websub.retry_seconds > c.websub.max_retry_seconds) problems.push('websub.retry_seconds: must not be more than websub.max_retry_seconds');
  const boilerplate: RegExp[] = [];
  c.ingest.boilerplate.forEach((pattern, i) => {
    try {
      boilerplate.push(new RegExp(pattern, 'i'));
    } catch (err) {
      problems.push(`ingest.boilerplate.${i}: not a valid regular expression: ${(err as Error).message}`);
    }
  });
  const categorySlugs = new Set(c.categories.map((cat) => cat.slug));
  c.categories.forEach((cat, i) => {
    if (cat.parent && !categorySlugs.has(cat.parent)) {
      problems.push(`categories.${i}.parent: unknown category "${cat.parent}"`);
      return;
    }
    const seen = new Set([cat.slug]);
    for (let up = cat.parent; up; up = c.categories.find((p) => p.slug === up)?.parent) {
      if (seen.has(up)) {
        problems.push(`categories.${i}.parent: "${cat.slug}" is its own ancestor`);
        break;
      }
      seen.add(up);
    }
  });
  c.sources.forEach((s, i) =>
    s.categories.forEach((cat, j) => {
      if (!categorySlugs.has(cat)) problems.push(`sources.${i}.categories.${j}: unknown category "${cat}"`);
    }),
  );
  const duplicate = c.sources.map((s) => s.slug).find((s, i, all) => all.indexOf(s) !== i);
  if (duplicate) problems.push(`sources: slug "${duplicate}" is used twice`);
  return boilerplate;
}

function websubConfig(c: ConfigFile, baseUrl: string): Config['websub'] {
  const w = c.websub;
  const builtIn = w.enabled && c.publish.hub === undefined;
  return {
    builtIn,
    hubUrl: c.publish.hub ?? (builtIn ? `${baseUrl}${BUILT_IN_HUB_PATH}` : undefined),
    leaseSeconds: w.lease_seconds,
    minLeaseSeconds: w.min_lease_seconds,
    maxLeaseSeconds: w.max_lease_seconds,
    maxSubscriptions: w.max_subscriptions,
    maxPerHost: w.max_per_host,
    concurrency: w.concurrency,
    timeoutMs: msOf(w.timeout_seconds),
    retryMs: msOf(w.retry_seconds),
    maxRetryMs: msOf(w.max_retry_seconds),
    maxAttempts: w.max_attempts,
    allowPrivateCallbacks: w.allow_private_callbacks,
  };
}

/** Whole milliseconds: node:http takes integers. */
function msOf(seconds: number): number {
  return Math.round(seconds * 1000);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof RegExp)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
