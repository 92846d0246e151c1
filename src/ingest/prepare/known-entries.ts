// The feed entries a thread has already prepared, remembered by what their
// drafts were made from (the entry as parsed, and the feed's base URL,
// language and rights), with the guid and content hash the draft had. A feed
// fetched again (a new item on top of forty-nine known ones, or a server
// that ignores conditional GET) then prepares only what is new to it: an
// entry whose article is stored with that very hash would be found
// unchanged anyway. Kept per configuration, since sanitizing depends on it,
// and up to a bound, past which the older half is forgotten.
import { createHash } from 'node:crypto';
import type { Config } from '../../config/config.js';
import { ownCopy } from '../parse/own-copy.js';
import type { ParsedEntry } from '../parse/parsed.js';

export interface KnownDraft {
  guid: string;
  hash: string;
}

/** What else a draft is made from besides the entry: see prepare/feed.ts. */
export interface EntryContext {
  baseUrl: string;
  language?: string;
  rights?: string;
}

/** Entries remembered in each of two generations: up to twice this many in all. */
const GENERATION = 25_000;

export class KnownEntries {
  private current = new Map<string, KnownDraft>();
  private previous = new Map<string, KnownDraft>();

  get(key: string): KnownDraft | undefined {
    const found = this.current.get(key);
    if (found) return found;
    const older = this.previous.get(key);
    // Still in use: carried into the current generation.
    if (older) this.keep(key, older);
    return older;
  }

  set(key: string, draft: KnownDraft): void {
    // Its own copy of the guid: the draft's is cut from the document (own-copy.ts).
    this.keep(key, { guid: ownCopy(draft.guid), hash: draft.hash });
  }

  private keep(key: string, draft: KnownDraft): void {
    if (this.current.size >= GENERATION) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, draft);
  }
}

/** The key an entry is remembered by. */
export function entryKey(entry: ParsedEntry, context: EntryContext): string {
  return createHash('sha256').update(JSON.stringify([entry, context.baseUrl, context.language, context.rights])).digest('base64url');
}

const known = new WeakMap<Readonly<Config>, KnownEntries>();

export function knownEntriesFor(cfg: Readonly<Config>): KnownEntries {
  let entries = known.get(cfg);
  if (!entries) known.set(cfg, (entries = new KnownEntries()));
  return entries;
}
