// The parse floor of the ingest benchmark: the very documents its feed server
// serves, parsed alone on this thread, with nothing fetched, cleaned or
// stored. What ingest could reach at best if parsing were all it did; the
// ingest part reports its rate as a fraction of it (issue 17). Measured three
// ways per document, one after the other so that a slow moment of the shared
// machine falls on all three alike:
// - parseFeed (parse/feed.ts): our parse, with the pre-pass and, for Atom
//   and the like, the second reading;
// - bare rss-parser (a parser with its default options, per document as
//   parseFeed makes one);
// - the second reading alone (nodes.ts readRawEntries), on the documents
//   that take it, to tell its share of parseFeed.
import Parser from 'rss-parser';
import { parseFeed } from '../src/ingest/parse/feed.js';
import { needsRawReading, readRawEntries } from '../src/ingest/parse/nodes.js';

export interface ParseFloorPass {
  documents: number;
  items: number;
  /** Of them, the documents (and their items) that take the second reading: the Atom ones here. */
  rawDocuments: number;
  rawItems: number;
  /** Items per second on one thread. */
  parseFeed: number;
  rssParser: number;
  /** parseFeed's rate over the documents that take the second reading, and the second reading's cost per item there. */
  parseFeedRaw: number;
  secondReadingMicros: number;
  /** parseFeed's time over those documents spent in the second reading. */
  secondReadingShare: number;
}

/** Each document as the feed server sends it, decoded (loopback, no cache). */
export async function fetchDocuments(ports: readonly number[]): Promise<string[]> {
  const documents: string[] = [];
  for (const port of ports) documents.push(await (await fetch(`http://127.0.0.1:${port}/feed.xml`)).text());
  return documents;
}

/** One timed pass over every document. */
export async function parseFloorPass(documents: readonly string[]): Promise<ParseFloorPass> {
  let items = 0;
  let rawDocuments = 0;
  let rawItems = 0;
  let ours = 0;
  let oursRaw = 0;
  let bare = 0;
  let raw = 0;
  for (const xml of documents) {
    let t = performance.now();
    await new Parser().parseString(xml);
    bare += performance.now() - t;
    t = performance.now();
    const feed = await parseFeed(xml);
    const spent = performance.now() - t;
    ours += spent;
    items += feed.entries.length;
    if (!needsRawReading(xml)) continue;
    oursRaw += spent;
    rawDocuments++;
    rawItems += feed.entries.length;
    t = performance.now();
    readRawEntries(xml);
    raw += performance.now() - t;
  }
  return {
    documents: documents.length,
    items,
    rawDocuments,
    rawItems,
    parseFeed: (items * 1000) / ours,
    rssParser: (items * 1000) / bare,
    parseFeedRaw: rawItems ? (rawItems * 1000) / oursRaw : 0,
    secondReadingMicros: rawItems ? (raw * 1000) / rawItems : 0,
    secondReadingShare: oursRaw ? raw / oursRaw : 0,
  };
}
