// Whitespace collapsed the way every text ingest keeps is: each run of
// spaces, tabs, line breaks (any Unicode white space) becomes one space.

/** `text` with each run of white space one space, and none at either end. */
export function collapseSpaces(text: string): string {
  // Only runs of two or more, and a lone white space other than " ", need
  // replacing. Prose is mostly single spaces, and leaving them alone is
  // about four times faster than replacing every run (/\s+/g).
  return text.replace(/\s\s+|[^\S ]/g, ' ').trim();
}
