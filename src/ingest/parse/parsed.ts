// What parse produces, whatever the format: a ParsedFeed of ParsedEntries.
// Still untrusted text: every field optional, checked and cleaned in normalize.

export interface ParsedImage {
  url?: string;
  type?: string;
  caption?: string;
  credit?: string;
}

/**
 * A media file the entry links to (RSS <enclosure>, Atom link
 * rel="enclosure", a JSON Feed attachment), as written: normalize resolves
 * the URL, checks the type and reads the length.
 */
export interface ParsedEnclosure {
  url?: string;
  type?: string;
  /** Bytes, as written ("1234"), or a JSON number. */
  length?: string;
  /** HTML text, like the entry's other text fields. */
  title?: string;
  /** JSON Feed's duration_in_seconds, as written. */
  duration?: string;
}

/**
 * One entry as read. Text fields (title, summary, author, categories, tags,
 * captions, related titles) are HTML text, as RSS and Atom give them:
 * normalize strips markup and decodes entities. Formats whose fields are
 * plain text (JSON Feed, Markdown front matter) escape them with `escapeHtml`
 * so that "AT&T <Live>" survives as written.
 */
export interface ParsedEntry {
  guid?: string;
  link?: string;
  title?: string;
  summary?: string;
  content?: string;
  author?: string;
  published?: string;
  updated?: string;
  /** Held back until then (RFC 3339), as the publisher set it: the admin API, Markdown front matter (clean/embargo.ts). */
  embargoUntil?: string;
  categories: string[];
  tags: string[];
  image?: ParsedImage;
  /** Every enclosure, images too, in document order: normalize leaves out the one that became `image`. */
  enclosures?: ParsedEnclosure[];
  related: { url: string; title?: string }[];
  rights?: string;
  /** xml:base in force at the entry's link: relative links resolve against it first. */
  base?: string;
  /** xml:base in force at the content: its relative href and src resolve against it first. */
  contentBase?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json' | 'markdown';
  title?: string;
  link?: string;
  language?: string;
  rights?: string;
  entries: ParsedEntry[];
  /** Entries that could not be read, each described; the others still count. */
  problems?: string[];
}

export class ParseError extends Error {
  override name = 'ParseError';
}
