// Runs one source through the whole pipeline: fetch → parse → normalize →
// sanitize → classify → relate → store, as a straight line. Whatever goes
// wrong is recorded against the source; it never escapes to other sources.
// The stages live in the folders beside this file, in that order (fetch/,
// parse/, clean/, classify/, relate/); prepare/ runs the middle of the
// line on worker threads; store/ writes. run.ts and schedule.ts above it
// decide which sources run and when.
import { setImmediate } from 'node:timers/promises';
import type { Context } from '../context.js';
import type { Source, SourceResult } from '../model.js';
import { listRecentContentHashes, saveArticles } from '../store/articles/articles.js';
import { noteDatabaseError, unhealthyBecause } from '../store/db/health.js';
import { type FetchState, recordSourceResult } from '../store/sources.js';
import { readArticleFolder } from './parse/articles.js';
import { ownCopy } from './parse/own-copy.js';
import { nextDueAt } from './backoff.js';
import { FetchError } from './fetch/errors.js';
import { type FetchOptions, type FetchResult, fetchFeed } from './fetch/fetch.js';
import { documentKey, type KnownDocument, knownDocumentsFor, storedAsRead } from './known-documents.js';
import { prepareDocument, type PreparedFeed, prepareFeed } from './prepare/feed.js';
import { preparePoolFor } from './prepare/pool.js';
import { relateArticle } from './relate/relate.js';
import type { Turn, Turns } from './turns.js';
import { expectArticleText, markArticleChanged } from './relate/index.js';
import { assertHttpUrl, assertPublicUrl, needsAddressGuard, publicAddressesOnly } from './fetch/ssrf.js';
import { redactText, redactUrl } from '../observe/redact.js';

const LOG_MESSAGES: Partial<Record<SourceResult['status'], string>> = { error: 'source failed', interrupted: 'source interrupted' };

/** Names us and, through the operator's public URL, whom to contact. */
export function userAgent(baseUrl: string): string {
  return `wirefeed/0.1 (news syndication; +${baseUrl}/)`;
}

/**
 * `turns`: stores this source's articles only once the sources whose documents arrived earlier are stored.
 * `signal`: aborted when the server stops; a fetch still running ends, and the source is recorded as
 * interrupted. A source past its fetch is prepared and stored as usual: a stop never cuts a transaction.
 */
export async function refreshSource(ctx: Context, source: Source, now = new Date(), turns?: Turns, signal?: AbortSignal): Promise<SourceResult> {
  const started = performance.now();
  const result: SourceResult = { source: source.slug, status: 'ok', itemsSeen: 0, itemsPrepared: 0, itemsNew: 0, itemsUpdated: 0, durationMs: 0 };
  let state: FetchState = {};
  let retryAfterMs: number | undefined;
  try {
    const { prepared, fetched, turn, key, unchanged } = await loadSource(ctx, source, now, turns, signal);
    if (fetched) {
      if (fetched.url.startsWith('http')) result.httpStatus = fetched.status;
      state = { etag: fetched.etag, lastModified: fetched.lastModified, movedTo: fetched.movedTo };
    }
    if (unchanged) {
      result.itemsSeen = unchanged.entries.length;
      result.documentUnchanged = true;
    } else if (prepared) {
      try {
        await turn?.wait;
        // Sources whose turns come one after another would otherwise be stored
        // in one go (20–70 ms each), with requests to the server waiting meanwhile.
        await setImmediate();
        storeFeed(ctx, source, prepared, now, result);
        // Remembered once stored: the next poll may find the same bytes (known-documents.ts).
        const known = knownDocumentsFor(ctx.cfg);
        // The guids in copies of their own: prepared here rather than on a worker, they are cut from the document (own-copy.ts).
        if (key && prepared.entries) known.set(source.id, { key, entries: prepared.entries.map(([guid, hash]) => [ownCopy(guid), hash]) });
        else known.delete(source.id);
      } finally {
        turn?.end();
      }
    } else result.status = 'not-modified';
  } catch (err) {
    // A store that failed on the file itself (corrupt, full, I/O) makes /readyz say so.
    noteDatabaseError(ctx.db, err);
    if (signal?.aborted) {
      // Whatever the fetch threw, it was our stop that ended it, not the source.
      result.status = 'interrupted';
    } else {
      result.status = 'error';
      result.error = (err as Error).message;
      result.errorKind = errorKindOf(err);
      if (err instanceof FetchError) {
        result.httpStatus = err.status;
        retryAfterMs = err.details.retryAfterMs;
      }
    }
  }
  result.durationMs = Math.round(performance.now() - started);
  const outcome = { failed: result.status === 'error', interrupted: result.status === 'interrupted', retryAfterMs };
  result.nextDueAt = nextDueAt(source, outcome, now, ctx.cfg.ingest.maxBackoffMs);
  recordSourceResult(ctx.db, source, result, now, state);
  const level = result.status === 'error' ? 'warn' : 'info';
  ctx.log[level](
    {
      event: 'source_refreshed',
      source: source.slug,
      status: result.status,
      http_status: result.httpStatus,
      items_seen: result.itemsSeen,
      items_prepared: result.itemsPrepared,
      items_capped: result.itemsCapped || undefined,
      document_unchanged: result.documentUnchanged,
      items_new: result.itemsNew,
      items_updated: result.itemsUpdated,
      error_kind: result.errorKind,
      error: result.error === undefined ? undefined : redactText(result.error),
      moved_to: state.movedTo === undefined ? undefined : redactUrl(state.movedTo),
      next_due_at: result.nextDueAt.toISOString(),
      duration_ms: result.durationMs,
    },
    LOG_MESSAGES[result.status] ?? 'source refreshed',
  );
  return result;
}

interface Loaded {
  /** Absent when the server answered 304 Not Modified, or the document is `unchanged`. */
  prepared?: PreparedFeed;
  fetched?: FetchResult;
  turn?: Turn;
  /** The fetched document's key (known-documents.ts). */
  key?: string;
  /** The document read last time, its articles stored as they were: there is nothing to prepare or store. */
  unchanged?: KnownDocument;
}

/**
 * Reads and prepares the source. The turn to store it is taken when the
 * document has arrived, before it is prepared.
 */
async function loadSource(ctx: Context, source: Source, now: Date, turns?: Turns, signal?: AbortSignal): Promise<Loaded> {
  if (source.articlesDir) {
    if (source.origin !== 'config') throw new FetchError('forbidden', `source ${source.slug}: only a source in the config file may read an article folder`);
    const feed = await readArticleFolder(source.articlesDir, source.siteUrl ?? `${ctx.cfg.site.baseUrl}/sources/${source.slug}/`);
    return { prepared: prepareFeed(ctx.cfg, source, feed, now, storedArticles(ctx, source)), turn: turns?.take() };
  }
  const url = source.fetchUrl ?? source.url;
  if (!url) throw new Error(`refresh: source ${source.slug} has neither a URL nor an article folder`);
  const { ingest } = ctx.cfg;
  const fetched = await fetchFeed(
    { url, etag: source.etag, lastModified: source.lastModified },
    {
      timeoutMs: ingest.timeoutMs,
      signal,
      connectTimeoutMs: ingest.connectTimeoutMs,
      maxBytes: ingest.maxBytes,
      maxRedirects: ingest.maxRedirects,
      userAgent: userAgent(ctx.cfg.site.baseUrl),
      ...addressGuard(ctx, source, url),
    },
  );
  if (fetched.notModified) return { fetched };
  const stored = storedArticles(ctx, source);
  const key = documentKey(fetched.body, fetched.contentType, source);
  const before = knownDocumentsFor(ctx.cfg).get(source.id);
  if (before?.key === key && storedAsRead(before, stored)) return { fetched, unchanged: before };
  const turn = turns?.take();
  try {
    // Decoding, parsing and cleaning run on a worker thread when there is a spare core.
    const pool = preparePoolFor(ctx.cfg);
    const prepared = pool
      ? await pool.prepare(source, fetched.body, fetched.contentType, now, stored)
      : await prepareDocument(ctx.cfg, source, fetched.body, fetched.contentType, now, stored);
    return { prepared, fetched, turn, key };
  } catch (err) {
    turn?.end();
    throw err;
  }
}

/**
 * What keeps a fetch off the service's own network (ssrf.ts). Only the config
 * file may name a local file: any other source is http(s) or nothing, even
 * with allow_private_sources. A guarded source is checked on every hop,
 * after DNS and on the address connected to.
 */
function addressGuard(ctx: Context, source: Source, url: string): Pick<FetchOptions, 'checkUrl' | 'publicOnly'> {
  if (source.origin !== 'config') {
    try {
      assertHttpUrl(url);
    } catch (err) {
      throw new FetchError('forbidden', `${url}: only a source in the config file may be read from a file or a non-http(s) URL`, {}, { cause: err });
    }
  }
  if (!needsAddressGuard(source, ctx.cfg)) return {};
  const guard = ctx.addressGuard ?? publicAddressesOnly;
  return { checkUrl: (u: string) => assertPublicUrl(u, guard.lookup, guard.allows), publicOnly: guard };
}

/**
 * The content hashes of the source's newest articles, so that preparing
 * skips the entries stored as they are: more than any feed lists at once.
 */
function storedArticles(ctx: Context, source: Source): Map<string, string> {
  return listRecentContentHashes(ctx.db, source.id, 250);
}

/** Stores the prepared entries in one transaction and relates the new ones; counts what changed. */
function storeFeed(ctx: Context, source: Source, prepared: PreparedFeed, now: Date, result: SourceResult): void {
  const { drafts, problems } = prepared;
  result.itemsSeen = prepared.itemsSeen;
  result.itemsPrepared = drafts.length;
  result.itemsCapped = prepared.capped.length;
  if (prepared.capped.length > 0) {
    ctx.log.warn({ event: 'content_capped', source: source.slug, entries: prepared.capped.map((line) => redactText(line)) }, 'content cut to ingest.max_content_bytes');
  }
  // Not into a file that is gone, replaced or failing: the rows would be accepted and lost (store/db/health.ts).
  const unhealthy = unhealthyBecause(ctx.db);
  if (unhealthy) throw new Error(`store: not written: ${unhealthy}`);
  ctx.db.transaction(() => {
    const added: { id: number; publishedAt: number }[] = [];
    saveArticles(ctx.db, source.id, drafts, now).forEach(({ outcome, id }, i) => {
      const draft = drafts[i]!;
      if (outcome === 'new') {
        result.itemsNew++;
        added.push({ id, publishedAt: draft.publishedAt.getTime() });
        expectArticleText(ctx.db, id, draft.title, draft.summary, draft.publishedAt.getTime(), prepared.relateTexts[i]!);
      }
      if (outcome === 'updated') {
        result.itemsUpdated++;
        markArticleChanged(ctx.db, id);
      }
    });
    // Oldest first, so that each new article finds the earlier ones of this feed too.
    added.sort((a, b) => a.publishedAt - b.publishedAt || a.id - b.id).forEach((a) => relateArticle(ctx.db, a.id));
  }).immediate();
  if (problems.length) {
    result.status = 'error';
    result.error = problems.join('; ');
    result.errorKind = 'entries';
  }
}

/** The kind of a failure, for public pages (SourceResult.errorKind). Errors from the prepare worker keep their name only. */
function errorKindOf(err: unknown): string {
  if (err instanceof FetchError) return err.kind;
  const name = (err as Error).name;
  if (name === 'ParseError' || name === 'DecodeError') return 'parse';
  if (name === 'ArticleFileError') return 'articles';
  return 'internal';
}
