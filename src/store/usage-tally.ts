// The partner usage not yet written: requests, bytes and 304s per partner
// and UTC day, and the first delivery of each article to each partner, kept
// in plain memory and merged by key. serve's primary (and a single process)
// flushes it to the database (partner-usage.ts); a reader process of serve
// --readers N sends it to the primary instead (cli/serve/readers-ipc.ts).

/** The answer to one partner request, as the tally takes it once it has been sent. */
export interface Answer {
  /** When it was sent (ms since the epoch). */
  at: number;
  status: number;
  /** Body bytes as sent: the compressed size when compressed; none for a HEAD or a 304. */
  bytes: number;
  /** The articles in its body, when it is a feed page or an article (http/partner.ts noteDelivery). */
  delivered?: Delivered;
}

export interface Delivered {
  articleIds: readonly number[];
  /** The route's pattern, like /feeds/categories/:slug.:format or /articles/:id.json. */
  route: string;
  /** rss, atom, json or html. */
  format: string;
}

/**
 * A tally in plain arrays: what a reader process sends to serve's primary
 * over IPC, and what a flush writes (partner-reports.ts writeUsage).
 */
export interface UsageBatch {
  /** Requests and the last one's time, per partner: the partners table's counts. */
  partners: [partnerId: number, requests: number, lastAt: number][];
  /** Per partner and UTC day. */
  days: [partnerId: number, day: string, requests: number, bytes: number, notModified: number][];
  /** The earliest delivery seen of each article to each partner. */
  deliveries: [partnerId: number, articleId: number, firstAt: number, route: string, format: string][];
}

type DayRow = UsageBatch['days'][number];
type DeliveryRow = UsageBatch['deliveries'][number];

/** What has been counted and not yet written (or sent): plain memory, keyed for merging. */
export class UsageTally {
  private partners = new Map<number, [requests: number, lastAt: number]>();
  private days = new Map<string, DayRow>();
  private deliveries = new Map<string, DeliveryRow>();
  /** Requests counted: what makes a flush due early. */
  requests = 0;

  get empty(): boolean {
    return this.partners.size === 0 && this.days.size === 0 && this.deliveries.size === 0;
  }

  count(partnerId: number, at: number): void {
    this.addRequests(partnerId, 1, at);
    this.day(partnerId, dayOf(at))[2] += 1;
  }

  answered(partnerId: number, answer: Answer): void {
    const day = this.day(partnerId, dayOf(answer.at));
    day[3] += answer.bytes;
    if (answer.status === 304) day[4] += 1;
    const delivered = answer.delivered;
    // Only a whole 200 carried the articles: not a HEAD (bytes 0), a 304 or an error.
    if (!delivered || answer.status !== 200 || answer.bytes === 0) return;
    for (const id of delivered.articleIds) this.deliver([partnerId, id, answer.at, delivered.route, delivered.format]);
  }

  add(batch: UsageBatch): void {
    for (const [id, requests, lastAt] of batch.partners) this.addRequests(id, requests, lastAt);
    for (const [id, dayName, requests, bytes, notModified] of batch.days) {
      const day = this.day(id, dayName);
      day[2] += requests;
      day[3] += bytes;
      day[4] += notModified;
    }
    for (const row of batch.deliveries) this.deliver(row);
  }

  /** Everything counted, as a batch; the tally starts over empty. */
  take(): UsageBatch {
    const batch: UsageBatch = {
      partners: [...this.partners].map(([id, [requests, lastAt]]) => [id, requests, lastAt]),
      days: [...this.days.values()],
      deliveries: [...this.deliveries.values()],
    };
    this.partners = new Map();
    this.days = new Map();
    this.deliveries = new Map();
    this.requests = 0;
    return batch;
  }

  private addRequests(partnerId: number, requests: number, lastAt: number): void {
    this.requests += requests;
    const tally = this.partners.get(partnerId);
    if (!tally) return void this.partners.set(partnerId, [requests, lastAt]);
    tally[0] += requests;
    tally[1] = Math.max(tally[1], lastAt);
  }

  private day(partnerId: number, day: string): DayRow {
    const key = `${partnerId} ${day}`;
    let row = this.days.get(key);
    if (!row) this.days.set(key, (row = [partnerId, day, 0, 0, 0]));
    return row;
  }

  /** Keeps the earliest: batches may come in out of order (a failed flush, several readers). */
  private deliver(row: DeliveryRow): void {
    const key = `${row[0]} ${row[1]}`;
    const known = this.deliveries.get(key);
    if (!known || row[2] < known[2]) this.deliveries.set(key, [...row]);
  }
}

/** The UTC day of a time, as the reports name days. */
export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
