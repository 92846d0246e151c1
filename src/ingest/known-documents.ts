// The last document a process read from each source, remembered by a hash of
// its bytes and of what preparing them depends on, with every entry's guid
// and content hash. Many servers ignore conditional GET and send the same
// bytes at every poll; when every article of such a document is still stored
// with the hash it had, parsing and preparing it again would change nothing,
// so refresh.ts does neither (known-entries.ts, which needs the document
// parsed, saves the cleaning of each entry; this saves the parse as well).
// Kept per configuration, since preparing depends on it.
import { createHash } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Source } from '../model.js';

export interface KnownDocument {
  key: string;
  entries: readonly [guid: string, hash: string][];
}

/**
 * The key a fetched document is remembered by: its bytes, their declared
 * type (the charset decodes them) and the source's settings that preparing
 * reads (links resolve against its URLs; its categories classify).
 */
export function documentKey(body: Uint8Array, contentType: string | undefined, source: Source): string {
  return createHash('sha256')
    .update(body)
    .update(JSON.stringify([contentType, source.url, source.fetchUrl, source.siteUrl, source.categories]))
    .digest('base64url');
}

/** Whether every entry of the document is stored with the hash it had: `stored` maps guids to stored hashes. */
export function storedAsRead(document: KnownDocument, stored: ReadonlyMap<string, string>): boolean {
  return document.entries.every(([guid, hash]) => stored.get(guid) === hash);
}

const known = new WeakMap<Readonly<Config>, Map<number, KnownDocument>>();

/** Documents by source id, one each (sources are few, and a source's newer document replaces its older one). */
export function knownDocumentsFor(cfg: Readonly<Config>): Map<number, KnownDocument> {
  let documents = known.get(cfg);
  if (!documents) known.set(cfg, (documents = new Map()));
  return documents;
}
