// What parse produces, whatever the format: a ParsedFeed of ParsedEntries.
// Still untrusted text: every field optional, checked and cleaned in normalize.

export interface ParsedImage {
  url?: string;
  type?: string;
  caption?: string;
  credit?: string;
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
  categories: string[];
  tags: string[];
  image?: ParsedImage;
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
