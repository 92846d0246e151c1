// A parsed feed's entries as article drafts, with what went wrong with any
// of them: the pure, CPU-bound half of a refresh (no database, no network),
// so that it can run on a worker thread (prepare-pool.ts) as well as here.
import type { Config } from '../config.js';
import type { ArticleDraft, Source } from '../model.js';
import { decodeBody } from './decode.js';
import { parseFeed } from './parse.js';
import type { ParsedEntry, ParsedFeed } from './parsed.js';
import { prepareArticle } from './prepare.js';
import { type RelateText, relateTextOf } from './relate-text.js';

export interface PreparedFeed {
  drafts: ArticleDraft[];
  /**
   * Each draft's words as relate compares them, worked out here rather than
   * by relate on the main thread, which stores and relates every feed's
   * articles one after another (for a feed whose entries are mostly stored
   * already, this is work for nothing, but on the worker's core).
   */
  relateTexts: RelateText[];
  /** The feed's own problems and those of entries that could not be prepared. */
  problems: string[];
  /** Entries in the feed, prepared or not. */
  itemsSeen: number;
}

export function prepareFeed(cfg: Readonly<Config>, source: Source, feed: ParsedFeed, now: Date): PreparedFeed {
  const problems = [...(feed.problems ?? [])];
  const drafts: ArticleDraft[] = [];
  const relateTexts: RelateText[] = [];
  // One entry that cannot be prepared is reported; the others still go in.
  feed.entries.forEach((entry, i) => {
    try {
      const draft = prepareFromFeed(cfg, source, feed, entry, now);
      relateTexts.push(relateTextOf(draft.title, draft.summary));
      drafts.push(draft);
    } catch (err) {
      problems.push(`entry ${i + 1} (${entry.guid ?? entry.link ?? 'no id'}): ${(err as Error).message}`);
    }
  });
  return { drafts, relateTexts, problems, itemsSeen: feed.entries.length };
}

/** The entry as an article draft, with what the feed says for entries that say nothing. */
function prepareFromFeed(cfg: Readonly<Config>, source: Source, feed: ParsedFeed, entry: ParsedEntry, now: Date): ArticleDraft {
  const own = feed.format === 'markdown';
  return prepareArticle({ cfg }, source, entry, {
    baseUrl: feed.link ?? source.siteUrl ?? source.url ?? cfg.site.baseUrl,
    now,
    language: feed.language ?? (own ? cfg.site.language : undefined),
    rights: feed.rights ?? (own ? cfg.site.rights : undefined),
  });
}

/** A fetched body as prepared drafts: decode, parse, prepare. */
export async function prepareDocument(cfg: Readonly<Config>, source: Source, body: Uint8Array, contentType: string | undefined, now: Date): Promise<PreparedFeed> {
  const feed = await parseFeed(decodeBody(Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType).text);
  return prepareFeed(cfg, source, feed, now);
}
