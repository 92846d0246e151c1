// An article body's words, for the search index: the sanitized HTML's text
// without its markup, so that tag and attribute names ("p", "href", "https",
// "title") are not searchable words and the index holds fewer tokens. Block
// boundaries become spaces, so that list items and paragraphs do not run
// into one another.
import { DomUtils, parseDocument } from 'htmlparser2';
import { collapseSpaces } from '../parse/spaces.js';

/** A node of htmlparser2's DOM, as parseDocument makes it. */
export type DomNode = ReturnType<typeof parseDocument>['children'][number];

const blocks = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'img', 'li', 'ol', 'p', 'pre', 'section', 'table', 'td',
  'th', 'tr', 'ul',
]);

export function bodyText(html: string): string {
  return textOfNodes(parseDocument(html).children);
}

/**
 * The text of parsed HTML (htmlparser2's DOM, entities decoded), leaving out
 * the elements `keep` refuses: sanitize.ts reads it from the parse it makes
 * anyway, without the blocks it cuts.
 */
export function textOfNodes(nodes: readonly DomNode[], keep: (node: DomNode) => boolean = () => true): string {
  const parts: string[] = [];
  const visit = (list: readonly DomNode[]): void => {
    for (const node of list) {
      if (DomUtils.isText(node)) parts.push(node.data);
      else if (DomUtils.isTag(node) && keep(node)) {
        const block = blocks.has(node.name);
        if (block) parts.push(' ');
        visit(node.children);
        if (block) parts.push(' ');
      }
    }
  };
  visit(nodes);
  return collapseSpaces(parts.join(''));
}
