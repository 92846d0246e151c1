// An article body's words, for the search index: the sanitized HTML's text
// without its markup, so that tag and attribute names ("p", "href", "https",
// "title") are not searchable words and the index holds fewer tokens. Block
// boundaries become spaces, so that list items and paragraphs do not run
// into one another.
import { Parser } from 'htmlparser2';
import { collapseSpaces } from './spaces.js';

const blocks = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'img', 'li', 'ol', 'p', 'pre', 'section', 'table', 'td',
  'th', 'tr', 'ul',
]);

export function bodyText(html: string): string {
  const parts: string[] = [];
  const boundary = (name: string) => {
    if (blocks.has(name)) parts.push(' ');
  };
  const parser = new Parser({ ontext: (text) => parts.push(text), onopentagname: boundary, onclosetag: boundary }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return collapseSpaces(parts.join(''));
}
