// A parsed feed's entries as article drafts, with what went wrong with any
// of them: the pure, CPU-bound half of a refresh (no database, no network),
// so that it can run on a worker thread (prepare/pool.ts) as well as here.
import type { Config } from '../../config/config.js';
import type { ArticleDraft, Source } from '../../model.js';
import { contentHash } from '../clean/content-hash.js';
import { absoluteUrl } from '../clean/normalize.js';
import { decodeBody } from '../parse/decode/decode.js';
import { type EntryContext, entryKey, knownEntriesFor } from './known-entries.js';
import { parseFeed } from '../parse/feed.js';
import type { ParsedFeed } from '../parse/parsed.js';
import { prepareArticle } from './entry.js';
import { type RelateText, relateTextOf } from '../relate/text.js';

export interface PreparedFeed {
  drafts: ArticleDraft[];
  /**
   * Each draft's words as relate compares them, worked out here rather than
   * by relate on the main thread, which stores and relates every feed's
   * articles one after another (an updated article's go unused).
   */
  relateTexts: RelateText[];
  /** The feed's own problems and those of entries that could not be prepared. */
  problems: string[];
  /** Entries in the feed, prepared or not. */
  itemsSeen: number;
  /**
   * Entries prepared this time whose content was cut to
   * ingest.max_content_bytes, one line each. Not problems: the article is
   * stored, only shorter, and the source is not failing for it.
   */
  capped: string[];
  /**
   * Every entry's guid and content hash, in the feed's order, prepared or
   * not; absent when some entry could not be prepared. What known-documents.ts
   * remembers of the document once it is stored.
   */
  entries?: [guid: string, hash: string][];
}

/**
 * `stored`: the guids and content hashes of the source's newest articles. An
 * entry prepared before (known-entries.ts) whose article is stored with the
 * hash its draft had is left out, since saving it would change nothing,
 * unless another entry of the feed has its guid: the later of two entries
 * with one guid updates the article the earlier one left, so both are kept.
 */
export function prepareFeed(cfg: Readonly<Config>, source: Source, feed: ParsedFeed, now: Date, stored?: ReadonlyMap<string, string>): PreparedFeed {
  const problems = [...(feed.problems ?? [])];
  const known = knownEntriesFor(cfg);
  const context = entryContext(cfg, source, feed);
  const keys = feed.entries.map((entry) => entryKey(entry, context));
  const unchanged = keys.map((key) => {
    const before = known.get(key);
    return before && stored?.get(before.guid) === before.hash ? before.guid : undefined;
  });
  const drafts: (ArticleDraft | undefined)[] = [];
  const capped: string[] = [];
  // One entry that cannot be prepared is reported; the others still go in.
  const prepare = (i: number) => {
    const entry = feed.entries[i]!;
    try {
      const draft = prepareArticle({ cfg }, source, entry, { ...context, now });
      if (draft.contentCutFrom !== undefined) {
        capped.push(`entry ${i + 1} (${draft.guid}): content of ${draft.contentCutFrom} bytes cut to ${cfg.ingest.maxContentBytes}`);
      }
      // Handed on with the draft, so that storing it does not work it out again on the main thread.
      draft.contentHash = contentHash(draft);
      known.set(keys[i]!, { guid: draft.guid, hash: draft.contentHash });
      drafts[i] = draft;
    } catch (err) {
      problems.push(`entry ${i + 1} (${entry.guid ?? entry.link ?? 'no id'}): ${(err as Error).message}`);
    }
  };
  feed.entries.forEach((_, i) => unchanged[i] === undefined && prepare(i));
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const guid of [...unchanged, ...drafts.map((d) => d?.guid)]) if (guid !== undefined) (seen.has(guid) ? repeated : seen).add(guid);
  unchanged.forEach((guid, i) => guid !== undefined && repeated.has(guid) && prepare(i));
  const kept = drafts.filter((d) => d !== undefined);
  const entries = problems.length
    ? undefined
    : feed.entries.map((_, i): [string, string] => {
        const draft = drafts[i];
        // An entry left out is stored with the hash its draft had before.
        return draft ? [draft.guid, draft.contentHash!] : [unchanged[i]!, stored!.get(unchanged[i]!)!];
      });
  return { drafts: kept, relateTexts: kept.map((d) => relateTextOf(d.title, d.summary, d.contentHtml, d.publishedAt.getTime())), problems, itemsSeen: feed.entries.length, capped, entries };
}

/** What the feed says for entries that say nothing: where their links resolve, their language and rights. */
function entryContext(cfg: Readonly<Config>, source: Source, feed: ParsedFeed): EntryContext {
  const own = feed.format === 'markdown';
  return {
    // A feed whose link is relative ("/") names a page of the site it was fetched from.
    baseUrl: absoluteUrl(feed.link, absoluteUrl(source.url)) ?? source.siteUrl ?? source.url ?? cfg.site.baseUrl,
    language: feed.language ?? (own ? cfg.site.language : undefined),
    rights: feed.rights ?? (own ? cfg.site.rights : undefined),
  };
}

/** A fetched body as prepared drafts: decode, parse, prepare. */
export async function prepareDocument(
  cfg: Readonly<Config>,
  source: Source,
  body: Uint8Array,
  contentType: string | undefined,
  now: Date,
  stored?: ReadonlyMap<string, string>,
): Promise<PreparedFeed> {
  const feed = await parseFeed(decodeBody(Buffer.from(body.buffer, body.byteOffset, body.byteLength), contentType).text);
  return prepareFeed(cfg, source, feed, now, stored);
}
