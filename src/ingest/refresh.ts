// Runs one source through the whole pipeline: fetch → parse → normalize →
// sanitize → classify → relate → store, as a straight line. Whatever goes
// wrong is recorded against the source; it never escapes to other sources.
import type { Context } from '../context.js';
import type { ArticleDraft, Source, SourceResult } from '../model.js';
import { saveArticle } from '../store/articles.js';
import { recordSourceResult } from '../store/sources.js';
import { readArticleFolder } from './articles.js';
import { classify } from './classify.js';
import { fetchFeed } from './fetch.js';
import { excerpt, normalizeEntry, plainText } from './normalize.js';
import { type ParsedEntry, type ParsedFeed, parseFeed } from './parse.js';
import { explicitRelated } from './relate.js';
import { sanitizeContent } from './sanitize.js';

/** Names us and, through the operator's public URL, whom to contact. */
export function userAgent(baseUrl: string): string {
  return `wirefeed/0.1 (news syndication; +${baseUrl}/)`;
}

export async function refreshSource(ctx: Context, source: Source, now = new Date()): Promise<SourceResult> {
  const started = performance.now();
  const result: SourceResult = { source: source.slug, status: 'ok', itemsSeen: 0, itemsNew: 0, itemsUpdated: 0, durationMs: 0 };
  try {
    const feed = await loadSource(ctx, source);
    const problems = [...(feed.problems ?? [])];
    const drafts: ArticleDraft[] = [];
    // One entry that cannot be prepared is reported; the others still go in.
    feed.entries.forEach((entry, i) => {
      try {
        drafts.push(prepareArticle(ctx, source, feed, entry, now));
      } catch (err) {
        problems.push(`entry ${i + 1} (${entry.guid ?? entry.link ?? 'no id'}): ${(err as Error).message}`);
      }
    });
    result.itemsSeen = feed.entries.length;
    ctx.db.transaction(() => {
      for (const draft of drafts) {
        const outcome = saveArticle(ctx.db, source.id, draft, now);
        if (outcome === 'new') result.itemsNew++;
        if (outcome === 'updated') result.itemsUpdated++;
      }
    })();
    if (problems.length) {
      result.status = 'error';
      result.error = problems.join('; ');
    }
  } catch (err) {
    result.status = 'error';
    result.error = (err as Error).message;
  }
  result.durationMs = Math.round(performance.now() - started);
  recordSourceResult(ctx.db, source, result, now);
  const level = result.status === 'ok' ? 'info' : 'warn';
  ctx.log[level](
    {
      event: 'source_refreshed',
      source: source.slug,
      status: result.status,
      items_seen: result.itemsSeen,
      items_new: result.itemsNew,
      items_updated: result.itemsUpdated,
      error: result.error,
      duration_ms: result.durationMs,
    },
    result.status === 'ok' ? 'source refreshed' : 'source failed',
  );
  return result;
}

async function loadSource(ctx: Context, source: Source): Promise<ParsedFeed> {
  if (source.articlesDir) {
    return readArticleFolder(source.articlesDir, source.siteUrl ?? `${ctx.cfg.site.baseUrl}/sources/${source.slug}/`);
  }
  if (!source.url) throw new Error(`refresh: source ${source.slug} has neither a URL nor an article folder`);
  const fetched = await fetchFeed(source.url, {
    timeoutMs: ctx.cfg.ingest.timeoutMs,
    maxBytes: ctx.cfg.ingest.maxBytes,
    userAgent: userAgent(ctx.cfg.site.baseUrl),
  });
  return parseFeed(fetched.body);
}

function prepareArticle(ctx: Context, source: Source, feed: ParsedFeed, entry: ParsedEntry, now: Date): ArticleDraft {
  const baseUrl = feed.link ?? source.siteUrl ?? source.url ?? ctx.cfg.site.baseUrl;
  const item = normalizeEntry(entry, { baseUrl, now });
  const content = sanitizeContent(item.contentHtml, { baseUrl: item.url, boilerplate: ctx.cfg.ingest.boilerplate });
  const { categories, tags } = classify(
    { title: item.title, summary: item.summary, upstreamCategories: item.upstreamCategories, tags: item.tags, sourceCategories: source.categories },
    ctx.cfg.categories,
  );
  return {
    ...item,
    summary: item.summary ?? excerpt(plainText(content.html)) ?? '',
    contentHtml: content.html,
    categories,
    tags,
    related: explicitRelated(item.url, [...item.related, ...content.related]),
    language: feed.language ?? (feed.format === 'markdown' ? ctx.cfg.site.language : undefined),
    rights: item.rights ?? feed.rights ?? (feed.format === 'markdown' ? ctx.cfg.site.rights : undefined),
  };
}
