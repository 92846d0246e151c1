// Rendered feed bodies, kept so that a feed is built once per content change
// rather than once per request: each entry holds the body, its validators,
// and its gzip and brotli forms once a client has asked for them, and
// belongs to one content version (see store/content-version.ts); an entry of
// an older version is never served. Bounded by bytes, least recently used
// first out (lru-cache). An entry may also lapse at a time of its own: a
// feed whose oldest tombstone is due to go is rendered again then, though
// no content changed.
//
// A form is compressed when first asked for, not when the feed is rendered:
// every content change renders every feed again, compressing a 175 KB feed
// takes about 4 ms for gzip and 5 ms for brotli, and most feed clients only
// ever ask for gzip.
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';

export type Encoding = 'identity' | 'gzip' | 'br';

export interface Rendered {
  body: string;
  contentType: string;
  /** The newest item's time; absent for an empty feed. */
  lastModified?: Date;
  /** The HTTP Link header (RFC 8288): the WebSub hub and the feed's self URL (WebSub 4). */
  link?: string;
  /** What it was built from, for purging a cache in front (publish/edge/keys.ts). */
  surrogateKeys?: string;
  /** When the body stops being right at its content version (ms since the epoch): a tombstone in it is due to go. */
  expiresAt?: number;
  /** The articles in the body, for a partner's usage report (its answers carry no surrogate keys). */
  articleIds?: number[];
}

export class CachedFeed {
  /** One strong validator per encoding, since the bytes differ (RFC 9110 8.8.3). */
  readonly etags: Record<Encoding, string>;
  /** `lastModified` as an HTTP date, written once. */
  readonly lastModifiedHttp: string | undefined;
  private readonly identity: Buffer;
  private readonly compressed: { gzip?: Buffer; br?: Buffer } = {};
  /** Told when a compressed form is added, so that the cache counts its bytes. */
  onGrow: (() => void) | undefined;

  constructor(
    readonly version: number,
    readonly contentType: string,
    readonly lastModified: Date | undefined,
    body: string,
    readonly link?: string,
    readonly surrogateKeys?: string,
    readonly expiresAt?: number,
    readonly articleIds?: readonly number[],
  ) {
    const identity = (this.identity = Buffer.from(body, 'utf8'));
    const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 27);
    this.etags = { identity: `"${hash}"`, gzip: `"${hash}-gz"`, br: `"${hash}-br"` };
    this.lastModifiedHttp = lastModified?.toUTCString();
  }

  /** The body in `encoding`, compressed the first time it is asked for. */
  body(encoding: Encoding): Buffer {
    if (encoding === 'identity') return this.identity;
    let body = this.compressed[encoding];
    if (!body) {
      body = this.compressed[encoding] = compress(this.identity, encoding);
      this.onGrow?.();
    }
    return body;
  }

  /** Whether `tag` is one of this entry's validators (any encoding). */
  hasEtag(tag: string): boolean {
    return tag === this.etags.identity || tag === this.etags.gzip || tag === this.etags.br;
  }

  /** Bytes held: the body and the compressed forms made so far. */
  get size(): number {
    return this.identity.length + (this.compressed.gzip?.length ?? 0) + (this.compressed.br?.length ?? 0);
  }
}

function compress(identity: Buffer, encoding: 'gzip' | 'br'): Buffer {
  if (encoding === 'gzip') return gzipSync(identity, { level: 6 });
  // Quality 6 of 11: on a 175 KB feed it is 1% larger than quality 9 and
  // takes 5 ms rather than 23, which the first request after a change waits for.
  return brotliCompressSync(identity, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length },
  });
}

export class FeedCache {
  private readonly entries: LRUCache<string, CachedFeed>;
  hits = 0;
  misses = 0;

  constructor(maxBytes: number) {
    this.entries = new LRUCache<string, CachedFeed>({ maxSize: maxBytes, sizeCalculation: (entry) => entry.size });
  }

  /** The entry for `key` if it was rendered at this content version. */
  get(key: string, version: number): CachedFeed | undefined {
    const entry = this.getHit(key, version);
    if (!entry) this.misses++;
    return entry;
  }

  /** Like `get`, but a miss is not counted: for a lookup that another follows when it misses. */
  getHit(key: string, version: number): CachedFeed | undefined {
    const entry = this.entries.get(key);
    if (entry?.version !== version) return undefined;
    if (entry.expiresAt !== undefined && Date.now() >= entry.expiresAt) return undefined;
    this.hits++;
    return entry;
  }

  set(key: string, version: number, rendered: Rendered): CachedFeed {
    const entry = new CachedFeed(version, rendered.contentType, rendered.lastModified, rendered.body, rendered.link, rendered.surrogateKeys, rendered.expiresAt, rendered.articleIds);
    // Stored again as it grows, so that lru-cache counts the new bytes (and
    // evicts others to make room). Setting the very same entry again would
    // keep its old size, so it is taken out first.
    entry.onGrow = () => {
      if (this.entries.peek(key) !== entry) return;
      this.entries.delete(key);
      this.entries.set(key, entry);
    };
    this.entries.set(key, entry);
    return entry;
  }

  get size(): number {
    return this.entries.calculatedSize;
  }
}
