// The writer lease: of all the processes that have the database open
// (`serve`s, a CLI ingest), exactly one writes, the one whose id is in the
// writer_lease row (migration 013). It proves it is alive by beating the row
// every few seconds; a holder whose beat is older than the takeover timeout
// is taken to be dead (kill -9, a lost machine) and may be replaced. Every
// attempt is one short IMMEDIATE transaction that waits a moment at most for
// another process's lock: a busy database means "not now", never an error,
// since the caller runs on the thread that answers requests.
//
// A holder that cannot beat (the lock stays busy, the disk fails) steps down
// at half the timeout, before anyone else may take over, so that its own
// work has time to stop. A process stopped for longer than the timeout
// (SIGSTOP, a swap storm) can still overlap a successor for a moment when it
// wakes; SQLite serializes those writes and the articles' unique keys keep
// them from duplicating anything.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Log } from '../../observe/log.js';
import { type Db, prepared, withBusyTimeout } from './db.js';
import { isBusy } from './faults.js';

export const DEFAULT_HEARTBEAT_MS = 2_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
/** How long an attempt waits for another process's write lock. */
const ATTEMPT_BUSY_MS = 100;
/** A release at shutdown may wait longer: if it cannot, the others wait out the timeout instead. */
const RELEASE_BUSY_MS = 1_000;

export interface LeaseRow {
  holder: string;
  acquiredAt: number;
  heartbeatAt: number;
}

/** A holder id unique to this process's start: host, pid (for the operator), and a random part (pids are reused). */
export function newHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Who holds the lease, if anyone: a plain read. */
export function leaseHolder(db: Db): LeaseRow | undefined {
  return prepared(db, 'SELECT holder, acquired_at AS acquiredAt, heartbeat_at AS heartbeatAt FROM writer_lease WHERE id = 1').get() as
    | LeaseRow
    | undefined;
}

/**
 * Takes the lease when nobody holds it, `holder` already does, or its
 * holder's last beat is `timeoutMs` old; returns whether `holder` holds it
 * now. False, not an exception, when another process has the write lock.
 */
export function tryAcquire(db: Db, holder: string, now: number, timeoutMs: number): boolean {
  const take = db.transaction(() => {
    const row = leaseHolder(db);
    if (row && row.holder !== holder && now - row.heartbeatAt < timeoutMs) return false;
    prepared(
      db,
      `INSERT INTO writer_lease (id, holder, acquired_at, heartbeat_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         acquired_at = CASE WHEN holder = excluded.holder THEN acquired_at ELSE excluded.acquired_at END,
         holder = excluded.holder,
         heartbeat_at = excluded.heartbeat_at`,
    ).run(holder, now, now);
    return true;
  });
  return notNow(db, ATTEMPT_BUSY_MS, false, () => take.immediate());
}

/** Beats the lease's heart: 'held' if `holder` still holds it, 'lost' if another does or nobody, 'busy' if it could not tell. */
export function heartbeat(db: Db, holder: string, now: number): 'held' | 'lost' | 'busy' {
  return notNow(db, ATTEMPT_BUSY_MS, 'busy', () => {
    const { changes } = prepared(db, 'UPDATE writer_lease SET heartbeat_at = ? WHERE id = 1 AND holder = ?').run(now, holder);
    return changes === 1 ? 'held' : 'lost';
  });
}

/** Gives the lease up, if `holder` holds it, so that another process takes over at once; false if the lock stayed busy. */
export function release(db: Db, holder: string): boolean {
  return notNow(db, RELEASE_BUSY_MS, false, () => {
    prepared(db, 'DELETE FROM writer_lease WHERE id = 1 AND holder = ?').run(holder);
    return true;
  });
}

function notNow<T>(db: Db, busyMs: number, busy: T, fn: () => T): T {
  try {
    return withBusyTimeout(db, busyMs, fn);
  } catch (err) {
    if (isBusy(err)) return busy;
    throw err;
  }
}

export interface LeaseOptions {
  /** How often the holder beats, and a waiting process tries. */
  heartbeatMs?: number;
  /** A beat this old lets another process take over. */
  timeoutMs?: number;
  /** This process's id (newHolder() when absent). */
  holder?: string;
  /** The clock (Date.now when absent): tests move it by hand. */
  now?: () => number;
}

/** taken: the row names another holder, or none; stale: no beat confirmed for half the timeout; released: we gave it up. */
export type LostReason = 'taken' | 'stale' | 'released';

/**
 * One process's part in the lease: tries to take it, then beats it, on a
 * timer, telling its listeners each time this process becomes or stops
 * being the writer (and logging `writer_acquired` / `writer_lost`).
 */
export class WriterLease {
  readonly holder: string;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  private readonly now: () => number;
  private writer = false;
  /** When the row last said we hold it, by our clock. */
  private confirmedAt = 0;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((writer: boolean) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly log: Log,
    options: LeaseOptions = {},
  ) {
    this.holder = options.holder ?? newHolder();
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  get isWriter(): boolean {
    return this.writer;
  }

  /** Called with true when this process becomes the writer, false when it stops being it. */
  onChange(listener: (writer: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** One attempt now: take the lease, or beat it if held. Returns whether this process is the writer. */
  check(): boolean {
    const now = this.now();
    let outcome: 'held' | 'lost' | 'busy';
    try {
      outcome = this.writer ? heartbeat(this.db, this.holder, now) : tryAcquire(this.db, this.holder, now, this.timeoutMs) ? 'held' : 'lost';
      this.failing = false;
    } catch (err) {
      // A failing disk: no worse than a busy lock for the lease; said once, not every beat.
      if (!this.failing) this.log.error({ event: 'writer_lease_failed', err }, 'lease: cannot read or write the writer lease');
      this.failing = true;
      outcome = 'busy';
    }
    if (outcome === 'held') {
      this.confirmedAt = now;
      if (!this.writer) this.become(true);
    } else if (this.writer && outcome === 'lost') {
      this.become(false, 'taken');
    } else if (this.writer && now - this.confirmedAt >= this.timeoutMs / 2) {
      this.become(false, 'stale');
    }
    return this.writer;
  }

  /** Checks now and every heartbeat from now on. */
  start(): this {
    this.check();
    this.timer ??= setInterval(() => this.check(), this.heartbeatMs);
    this.timer.unref();
    return this;
  }

  /** Stops trying and beating; gives the lease up if held, so that a waiting process takes over at once. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.writer) return;
    try {
      release(this.db, this.holder);
    } catch (err) {
      this.log.error({ event: 'writer_lease_failed', err }, 'lease: could not release the writer lease; another process takes over after the timeout');
    }
    this.become(false, 'released');
  }

  private become(writer: boolean, reason?: LostReason): void {
    this.writer = writer;
    if (writer) this.log.info({ event: 'writer_acquired', holder: this.holder }, 'this process is now the writer');
    else this.log.info({ event: 'writer_lost', holder: this.holder, reason }, `this process is no longer the writer (${reason})`);
    for (const listener of this.listeners) listener(writer);
  }
}

/** A lease loop started at once, `listener` told from its first attempt on. */
export function startLease(db: Db, log: Log, options: LeaseOptions = {}, listener?: (writer: boolean) => void): WriterLease {
  const lease = new WriterLease(db, log, options);
  if (listener) lease.onChange(listener);
  return lease.start();
}
