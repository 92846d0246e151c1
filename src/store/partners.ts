// Partner keys: created (the key is shown once, only its hash is kept),
// found by key, counted (in batches: partner-usage.ts), revoked.
import { createHash, randomBytes } from 'node:crypto';
import { type Db, prepared } from './db/db.js';

export interface Partner {
  id: number;
  name: string;
  keyPrefix: string;
  fullText: boolean;
  /** Category slugs this partner may see; empty: all. */
  categories: string[];
  createdAt: Date;
  revokedAt?: Date;
  requests: number;
  lastRequestAt?: Date;
}

interface PartnerRow {
  id: number;
  name: string;
  key_prefix: string;
  full_text: number;
  categories: string;
  created_at: number;
  revoked_at: number | null;
  requests: number;
  last_request_at: number | null;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Adds a partner; returns it with its key, which is never stored and cannot be shown again. */
export function createPartner(db: Db, name: string, tier: { fullText: boolean; categories: string[] }): { partner: Partner; key: string } {
  const key = `wf_${randomBytes(24).toString('base64url')}`;
  const id = Number(
    db
      .prepare('INSERT INTO partners (name, key_hash, key_prefix, full_text, categories, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(name, hashKey(key), key.slice(0, 10), tier.fullText ? 1 : 0, JSON.stringify(tier.categories), Date.now()).lastInsertRowid,
  );
  return { partner: findPartnerById(db, id) as Partner, key };
}

/** The partner holding this key, revoked or not; undefined for a key nobody holds. */
export function findPartnerByKey(db: Db, key: string): Partner | undefined {
  const row = prepared(db, 'SELECT * FROM partners WHERE key_hash = ?').get(hashKey(key)) as PartnerRow | undefined;
  return row && toPartner(row);
}

function findPartnerById(db: Db, id: number): Partner | undefined {
  const row = db.prepare('SELECT * FROM partners WHERE id = ?').get(id) as PartnerRow | undefined;
  return row && toPartner(row);
}

export function listPartners(db: Db): Partner[] {
  return (db.prepare('SELECT * FROM partners ORDER BY name').all() as PartnerRow[]).map(toPartner);
}

/** Revokes the partner's key; false when there is no such partner or it was revoked already. */
export function revokePartner(db: Db, name: string): boolean {
  return db.prepare('UPDATE partners SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(Date.now(), name).changes > 0;
}

/**
 * Adds `requests` to the partner's count, and moves its last request time to
 * `lastAt` unless a later one is stored (batches written by partner-usage.ts
 * may arrive out of order after a failed flush).
 */
export function addPartnerRequests(db: Db, id: number, requests: number, lastAt: number): void {
  prepared(db, 'UPDATE partners SET requests = requests + ?, last_request_at = max(coalesce(last_request_at, 0), ?) WHERE id = ?').run(requests, lastAt, id);
}

function toPartner(r: PartnerRow): Partner {
  return {
    id: r.id,
    name: r.name,
    keyPrefix: r.key_prefix,
    fullText: r.full_text === 1,
    categories: JSON.parse(r.categories) as string[],
    createdAt: new Date(r.created_at),
    revokedAt: r.revoked_at === null ? undefined : new Date(r.revoked_at),
    requests: r.requests,
    lastRequestAt: r.last_request_at === null ? undefined : new Date(r.last_request_at),
  };
}
