// A string read out of a document, copied so that it no longer holds the
// document. V8 keeps a substring of 13 characters or more (a guid the XML
// parser cut out of a feed, then trimmed) as a slice that points into the
// whole document, so one such string kept after the document is done with
// keeps all of it: the entries a prepare thread remembers (known-entries.ts)
// held every document whose entries they came from, 36 MB after one ingest
// of 200 feeds. Only for what outlives a refresh: copying costs a little.

/** The same text in a string of its own. UTF-16 both ways, so that any string survives as it was. */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
