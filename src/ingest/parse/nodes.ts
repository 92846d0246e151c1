// Reading the loosely typed values parsers hand back: xml2js nodes (a
// string, `{_: text, $: attributes}` or a one-element array) and JSON values.

export type Node = unknown;
export type Fields = Record<string, Node>;

/** The text of an xml2js node (a string, `{_: text}` or a one-element array) or a JSON value. */
export function text(node: Node): string | undefined {
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number') return String(node);
  if (isObject(node) && '_' in node) return text(node._);
  return undefined;
}

export function attr(node: Node, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const attrs = node.$;
  return isObject(attrs) ? text(attrs[name]) : undefined;
}

export function list(node: Node): Node[] {
  if (node === undefined || node === null) return [];
  return Array.isArray(node) ? node : [node];
}

export function isObject(node: Node): node is Fields {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** Plain text as HTML text. */
export function escapeHtml<T extends string | undefined>(value: T): T {
  return value?.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') as T;
}
