// Partner keys: created (the key is shown once, only its hash is kept),
// found by key, counted (in batches: partner-usage.ts), revoked; and their
// usage reports, per UTC day and per article received.
import { createHash, randomBytes } from 'node:crypto';
import { type Db, prepared } from './db/db.js';
import type { UsageBatch } from './usage-tally.js';

export interface Partner {
  id: number;
  name: string;
  keyPrefix: string;
  fullText: boolean;
  /** Receives articles under embargo before their time, marked with it (023_embargoes.sql). */
  embargoed: boolean;
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
  embargoed: number;
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
export function createPartner(
  db: Db,
  name: string,
  tier: { fullText: boolean; categories: string[]; embargoed?: boolean },
): { partner: Partner; key: string } {
  const key = `wf_${randomBytes(24).toString('base64url')}`;
  const id = Number(
    db
      .prepare('INSERT INTO partners (name, key_hash, key_prefix, full_text, embargoed, categories, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(name, hashKey(key), key.slice(0, 10), tier.fullText ? 1 : 0, tier.embargoed ? 1 : 0, JSON.stringify(tier.categories), Date.now())
      .lastInsertRowid,
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

/** The partner named so (`wirefeed partners` names partners by name), revoked or not. */
export function findPartnerByName(db: Db, name: string): Partner | undefined {
  const row = db.prepare('SELECT * FROM partners WHERE name = ?').get(name) as PartnerRow | undefined;
  return row && toPartner(row);
}

export function listPartners(db: Db): Partner[] {
  return (db.prepare('SELECT * FROM partners ORDER BY name').all() as PartnerRow[]).map(toPartner);
}

/** Grants or withdraws the partner's permission to receive embargoed articles early; false when there is no such partner. */
export function setPartnerEmbargoed(db: Db, name: string, embargoed: boolean): boolean {
  return db.prepare('UPDATE partners SET embargoed = ? WHERE name = ?').run(embargoed ? 1 : 0, name).changes > 0;
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

/** Writes a tally of partner usage (partner-usage.ts); the caller holds the transaction. */
export function writeUsage(db: Db, batch: UsageBatch): void {
  for (const [id, requests, lastAt] of batch.partners) addPartnerRequests(db, id, requests, lastAt);
  const day = prepared(
    db,
    `INSERT INTO partner_usage_days (partner_id, day, requests, bytes, not_modified) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (partner_id, day) DO UPDATE SET requests = requests + excluded.requests,
       bytes = bytes + excluded.bytes, not_modified = not_modified + excluded.not_modified`,
  );
  for (const row of batch.days) day.run(...row);
  // The first delivery stays: a later batch replaces it only with an earlier
  // one (batches can arrive out of order after a failed flush, or from readers).
  const delivery = prepared(
    db,
    `INSERT INTO partner_deliveries (partner_id, article_id, first_at, route, format) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (partner_id, article_id) DO UPDATE SET first_at = excluded.first_at, route = excluded.route, format = excluded.format
     WHERE excluded.first_at < first_at`,
  );
  for (const row of batch.deliveries) delivery.run(...row);
}

export interface UsageDay {
  day: string;
  requests: number;
  bytes: number;
  notModified: number;
  /** Articles the partner received for the first time that day. */
  articles: number;
}

export interface UsageArticle {
  id: number;
  /** Absent when the article is no longer stored. */
  title?: string;
  firstAt: Date;
  route: string;
  format: string;
}

/** A partner's usage from day `from` to day `to` (UTC, 'YYYY-MM-DD', both included): the days it made requests, and the articles it first received then. */
export function partnerUsageReport(db: Db, partnerId: number, from: string, to: string): { days: UsageDay[]; articles: UsageArticle[] } {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + 86_400_000;
  const articles = (
    db
      .prepare(
        `SELECT d.article_id, a.title, d.first_at, d.route, d.format FROM partner_deliveries d LEFT JOIN articles a ON a.id = d.article_id
         WHERE d.partner_id = ? AND d.first_at >= ? AND d.first_at < ? ORDER BY d.first_at, d.article_id`,
      )
      .all(partnerId, start, end) as { article_id: number; title: string | null; first_at: number; route: string; format: string }[]
  ).map((r) => ({ id: r.article_id, title: r.title ?? undefined, firstAt: new Date(r.first_at), route: r.route, format: r.format }));
  const firstByDay = new Map<string, number>();
  for (const a of articles) {
    const day = a.firstAt.toISOString().slice(0, 10);
    firstByDay.set(day, (firstByDay.get(day) ?? 0) + 1);
  }
  const days = (
    db
      .prepare('SELECT day, requests, bytes, not_modified FROM partner_usage_days WHERE partner_id = ? AND day >= ? AND day <= ? ORDER BY day')
      .all(partnerId, from, to) as { day: string; requests: number; bytes: number; not_modified: number }[]
  ).map((r) => ({ day: r.day, requests: r.requests, bytes: r.bytes, notModified: r.not_modified, articles: firstByDay.get(r.day) ?? 0 }));
  return { days, articles };
}

function toPartner(r: PartnerRow): Partner {
  return {
    id: r.id,
    name: r.name,
    keyPrefix: r.key_prefix,
    fullText: r.full_text === 1,
    embargoed: r.embargoed === 1,
    categories: JSON.parse(r.categories) as string[],
    createdAt: new Date(r.created_at),
    revokedAt: r.revoked_at === null ? undefined : new Date(r.revoked_at),
    requests: r.requests,
    lastRequestAt: r.last_request_at === null ? undefined : new Date(r.last_request_at),
  };
}
