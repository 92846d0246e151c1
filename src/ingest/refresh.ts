// Runs one source through the whole pipeline: fetch → parse → normalize →
// sanitize → classify → relate → store, as a straight line. Whatever goes
// wrong is recorded against the source; it never escapes to other sources.
import type { Context } from '../context.js';
import type { ArticleDraft, Source, SourceResult } from '../model.js';
import { saveArticle } from '../store/articles.js';
import { type FetchState, recordSourceResult } from '../store/sources.js';
import { readArticleFolder } from './articles.js';
import { nextDueAt } from './backoff.js';
import { decodeBody } from './decode.js';
import { FetchError, type FetchResult, fetchFeed } from './fetch.js';
import { parseFeed } from './parse.js';
import type { ParsedEntry, ParsedFeed } from './parsed.js';
import { prepareArticle } from './prepare.js';
import { relateArticle } from './relate.js';
import { markArticleChanged } from './relate-index.js';
import { assertPublicUrl } from './ssrf.js';

/** Names us and, through the operator's public URL, whom to contact. */
export function userAgent(baseUrl: string): string {
  return `wirefeed/0.1 (news syndication; +${baseUrl}/)`;
}

export async function refreshSource(ctx: Context, source: Source, now = new Date()): Promise<SourceResult> {
  const started = performance.now();
  const result: SourceResult = { source: source.slug, status: 'ok', itemsSeen: 0, itemsNew: 0, itemsUpdated: 0, durationMs: 0 };
  let state: FetchState = {};
  let retryAfterMs: number | undefined;
  try {
    const { feed, fetched } = await loadSource(ctx, source);
    if (fetched) {
      if (fetched.url.startsWith('http')) result.httpStatus = fetched.status;
      state = { etag: fetched.etag, lastModified: fetched.lastModified, movedTo: fetched.movedTo };
    }
    if (feed) storeFeed(ctx, source, feed, now, result);
    else result.status = 'not-modified';
  } catch (err) {
    result.status = 'error';
    result.error = (err as Error).message;
    if (err instanceof FetchError) {
      result.httpStatus = err.status;
      retryAfterMs = err.details.retryAfterMs;
    }
  }
  result.durationMs = Math.round(performance.now() - started);
  result.nextDueAt = nextDueAt(source, { failed: result.status === 'error', retryAfterMs }, now, ctx.cfg.ingest.maxBackoffMs);
  recordSourceResult(ctx.db, source, result, now, state);
  const level = result.status === 'error' ? 'warn' : 'info';
  ctx.log[level](
    {
      event: 'source_refreshed',
      source: source.slug,
      status: result.status,
      http_status: result.httpStatus,
      items_seen: result.itemsSeen,
      items_new: result.itemsNew,
      items_updated: result.itemsUpdated,
      error: result.error,
      moved_to: state.movedTo,
      next_due_at: result.nextDueAt.toISOString(),
      duration_ms: result.durationMs,
    },
    result.status === 'error' ? 'source failed' : 'source refreshed',
  );
  return result;
}

/** Reads the source; `feed` is absent when the server answered 304 Not Modified. */
async function loadSource(ctx: Context, source: Source): Promise<{ feed?: ParsedFeed; fetched?: FetchResult }> {
  if (source.articlesDir) {
    return { feed: await readArticleFolder(source.articlesDir, source.siteUrl ?? `${ctx.cfg.site.baseUrl}/sources/${source.slug}/`) };
  }
  const url = source.fetchUrl ?? source.url;
  if (!url) throw new Error(`refresh: source ${source.slug} has neither a URL nor an article folder`);
  const { ingest } = ctx.cfg;
  const fetched = await fetchFeed(
    { url, etag: source.etag, lastModified: source.lastModified },
    {
      timeoutMs: ingest.timeoutMs,
      connectTimeoutMs: ingest.connectTimeoutMs,
      maxBytes: ingest.maxBytes,
      maxRedirects: ingest.maxRedirects,
      userAgent: userAgent(ctx.cfg.site.baseUrl),
      ...(source.origin === 'admin' && !ctx.cfg.admin.allowPrivateSources ? { checkUrl: (u: string) => assertPublicUrl(u), publicOnly: true } : {}),
    },
  );
  if (fetched.notModified) return { fetched };
  return { feed: await parseFeed(decodeBody(fetched.body, fetched.contentType).text), fetched };
}

/** Prepares every entry and stores them in one transaction; counts what changed. */
function storeFeed(ctx: Context, source: Source, feed: ParsedFeed, now: Date, result: SourceResult): void {
  const problems = [...(feed.problems ?? [])];
  const drafts: ArticleDraft[] = [];
  // One entry that cannot be prepared is reported; the others still go in.
  feed.entries.forEach((entry, i) => {
    try {
      drafts.push(prepareFromFeed(ctx, source, feed, entry, now));
    } catch (err) {
      problems.push(`entry ${i + 1} (${entry.guid ?? entry.link ?? 'no id'}): ${(err as Error).message}`);
    }
  });
  result.itemsSeen = feed.entries.length;
  ctx.db.transaction(() => {
    const added: { id: number; publishedAt: number }[] = [];
    for (const draft of drafts) {
      const { outcome, id } = saveArticle(ctx.db, source.id, draft, now);
      if (outcome === 'new') {
        result.itemsNew++;
        added.push({ id, publishedAt: draft.publishedAt.getTime() });
      }
      if (outcome === 'updated') {
        result.itemsUpdated++;
        markArticleChanged(ctx.db, id);
      }
    }
    // Oldest first, so that each new article finds the earlier ones of this feed too.
    added.sort((a, b) => a.publishedAt - b.publishedAt || a.id - b.id).forEach((a) => relateArticle(ctx.db, a.id));
  })();
  if (problems.length) {
    result.status = 'error';
    result.error = problems.join('; ');
  }
}

/** The entry as an article draft, with what the feed says for entries that say nothing. */
function prepareFromFeed(ctx: Context, source: Source, feed: ParsedFeed, entry: ParsedEntry, now: Date): ArticleDraft {
  const own = feed.format === 'markdown';
  return prepareArticle(ctx, source, entry, {
    baseUrl: feed.link ?? source.siteUrl ?? source.url ?? ctx.cfg.site.baseUrl,
    now,
    language: feed.language ?? (own ? ctx.cfg.site.language : undefined),
    rights: feed.rights ?? (own ? ctx.cfg.site.rights : undefined),
  });
}
