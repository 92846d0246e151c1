// Plain data types shared by every stage of the pipeline. No behaviour here.

/** A place articles come from: an upstream feed or the publisher's article folder. */
export interface SourceConfig {
  slug: string;
  name: string;
  /** `http(s)://` or `file://` URL of a feed; absent for an article folder. */
  url?: string;
  /** Absolute path of a folder of Markdown articles; absent for a feed. */
  articlesDir?: string;
  /** The source's own web site, used for attribution and for article URLs. */
  siteUrl?: string;
  /** Category slugs every article of the source gets. */
  categories: string[];
  /** Minutes between two fetches of the source. */
  everyMinutes: number;
  /** Its items dated in the future are embargoed until that date rather than dated now (ingest/clean/embargo.ts). */
  embargoAware?: boolean;
}

export interface Source extends SourceConfig {
  id: number;
  /** Where the feed is fetched from now: `url`, or where a permanent redirect moved it. */
  fetchUrl?: string;
  /** Validators of the last successful fetch, for a conditional GET. */
  etag?: string;
  lastModified?: string;
  /** Failures in a row; drives the back-off. */
  errorCount: number;
  /** Who manages it: 'config', 'opml' or 'admin' (whose addresses are checked). */
  origin: string;
}

export interface Category {
  slug: string;
  label: string;
}

export interface Image {
  url: string;
  type?: string;
  caption?: string;
  credit?: string;
}

/**
 * A media file an article links to other than its image (RSS <enclosure>,
 * Atom link rel="enclosure", a JSON Feed attachment): a podcast's episode,
 * a clip, a document. Its URL is absolute http(s); its type a media type.
 */
export interface Enclosure {
  url: string;
  type: string;
  /** Bytes, when the upstream said (and not 0, which feeds write for "unknown"). */
  length?: number;
  title?: string;
  durationSeconds?: number;
}

/**
 * Why a story is related: the same event from another source, named by the
 * article itself (or pinned by an editor), a later story of the same thread,
 * or an earlier one found by similarity.
 */
export type RelatedKind = 'explicit' | 'computed' | 'same-story' | 'follow-up';

/** A related story as found at ingest: a URL, or one of our own articles by slug. */
export interface RelatedRef {
  url: string;
  title?: string;
  kind: RelatedKind;
}

/** A related story as published: resolved to one of our articles when we hold it. */
export interface Related {
  articleId?: number;
  url: string;
  title: string;
  kind: RelatedKind;
  /** How strongly relate found it (same-story 1); absent for links the article names itself. */
  score?: number;
  /** What relate saw in common (a JSON object it fills: similarity, shared entities …), published as stored. */
  evidence?: Record<string, unknown>;
  /** An editor pinned it (store/articles/related-edits.ts). */
  pinned?: boolean;
}

/** What every article has, from the end of ingest to publishing. */
export interface ArticleFields {
  guid: string;
  url: string;
  title: string;
  summary: string;
  contentHtml: string;
  author?: string;
  publishedAt: Date;
  updatedAt: Date;
  /**
   * Held from the public until this time, which is also its publishedAt
   * (db/migrations/023_embargoes.sql). On a stored Article: only while the
   * time is still ahead.
   */
  embargoUntil?: Date;
  image?: Image;
  /** In the upstream's order, at most ten (ingest/clean/enclosures.ts); absent is none. */
  enclosures?: Enclosure[];
  tags: string[];
  language?: string;
  rights?: string;
}

/**
 * An article as the pipeline hands it to store: every field already
 * normalized (UTC dates, absolute URLs, sanitized HTML), categories by slug.
 */
export interface ArticleDraft extends ArticleFields {
  /** What classification started from: kept so that reclassify can run again. */
  upstreamCategories: string[];
  upstreamTags: string[];
  categories: string[];
  related: RelatedRef[];
  /** The body's words without markup: what search indexes (ingest/clean/body-text.ts). */
  bodyText: string;
  /**
   * `url` is not the article's own but its feed's page, standing in for the
   * link its entry did not have: shared by every such article of the feed,
   * it is no evidence of which story this is.
   */
  urlFallback?: boolean;
  /** ingest/clean/content-hash.ts of this draft, when whoever prepared it has worked it out already. */
  contentHash?: string;
  /** The content's size in bytes as it came, when it was cut to ingest.max_content_bytes. */
  contentCutFrom?: number;
}

/** A stored article with everything a feed needs to render it. */
export interface Article extends ArticleFields {
  id: number;
  categories: Category[];
  related: Related[];
  /** Where it came from, as published: never the upstream feed's URL, which may carry a key. */
  source: { slug: string; name: string; siteUrl?: string };
}

/** What one ingest did with one source. */
export interface SourceResult {
  source: string;
  /**
   * 'not-modified': the server answered 304, so nothing was parsed or written.
   * 'interrupted': the server stopped while the source was being fetched; it
   * says nothing about the source, which is due again at once.
   */
  status: 'ok' | 'not-modified' | 'error' | 'interrupted';
  itemsSeen: number;
  /**
   * Entries cleaned and classified this time: an entry read before whose
   * article is stored just as preparing it again would make it is skipped
   * (ingest/prepare/known-entries.ts).
   */
  itemsPrepared: number;
  /** Entries prepared this time whose content was cut to ingest.max_content_bytes. */
  itemsCapped?: number;
  /**
   * The document was the one read last time, byte for byte, and its articles
   * are stored as they were: it was not parsed (ingest/known-documents.ts).
   */
  documentUnchanged?: true;
  itemsNew: number;
  itemsUpdated: number;
  error?: string;
  /**
   * What kind of failure `error` is: a fetch error's kind ('timeout',
   * 'http', 'forbidden' …), 'parse' (not a feed we can read), 'entries'
   * (some entries could not be prepared), 'articles' (an article file),
   * 'internal'. Public pages show this, never `error`, which names URLs.
   */
  errorKind?: string;
  /** The HTTP status of the last answer, for http(s) sources. */
  httpStatus?: number;
  durationMs: number;
  /** When the source is next due (back-off and Retry-After included). */
  nextDueAt?: Date;
}
