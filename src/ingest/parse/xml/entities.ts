// Entities declared in a document's own internal DTD subset
// (`<!DOCTYPE rss [<!ENTITY place "Skagen">]>`). sax, under rss-parser,
// skips the DTD, so a reference to such an entity is "Invalid character
// entity" and the whole feed is lost; the Universal Feed Parser keeps the
// simple ones. We read the declarations ourselves and hand the values to sax
// as known entities, within limits that keep "billion laughs" out:
// - only internal entities with a literal value (XML 1.0 4.2.1); external
//   ones (SYSTEM, PUBLIC) and parameter entities are never read, let alone
//   fetched, so a reference to one stays an error;
// - references inside a value are followed at most MAX_DEPTH deep;
// - every reference in the document counted, the text the entities add is at
//   most MAX_EXPANSION characters; past either limit the document is refused.
import { decodeHTML } from 'entities';
import { ParseError } from '../parsed.js';

export const MAX_EXPANSION = 64 * 1024;
export const MAX_DEPTH = 3;

// XML 1.0 4.6: these five are predefined, and a declaration may not change them.
const PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const NAME = '[A-Za-z_][\\w.-]*';
const DECLARATION = new RegExp(`<!ENTITY\\s+(%\\s+)?(${NAME})\\s+(?:"([^"]*)"|'([^']*)'|(?:SYSTEM|PUBLIC)\\b[^>]*)\\s*>`, 'g');
const REFERENCE = new RegExp(`&(#x[0-9A-Fa-f]+|#[0-9]+|${NAME});`, 'g');

/**
 * The internal entities the document references, expanded to plain text, or
 * undefined when it declares none. Throws a ParseError past the limits.
 */
export function internalEntities(xml: string): Record<string, string> | undefined {
  // The DOCTYPE comes before the root element, in the first lines.
  const at = xml.slice(0, 4096).indexOf('<!DOCTYPE');
  if (at < 0) return undefined;
  const subset = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/y;
  subset.lastIndex = at;
  const found = subset.exec(xml);
  if (!found?.[1]?.includes('<!ENTITY')) return undefined;

  const declared = new Map<string, string>();
  for (const [, parameter, name, double, single] of found[1].matchAll(DECLARATION)) {
    const value = double ?? single;
    // The first declaration binds (XML 1.0 4.2).
    if (parameter || value === undefined || PREDEFINED.has(name as string) || declared.has(name as string)) continue;
    declared.set(name as string, value);
  }
  if (declared.size === 0) return undefined;

  const entities: Record<string, string> = {};
  let added = 0;
  for (const [, name] of xml.slice(subset.lastIndex).matchAll(REFERENCE)) {
    if (!declared.has(name as string)) continue;
    const value = (entities[name as string] ??= expand(name as string, declared, 0));
    added += value.length;
    if (added > MAX_EXPANSION) throw new ParseError(`parse: the document's entities expand beyond ${MAX_EXPANSION} characters`);
  }
  return entities;
}

function expand(name: string, declared: Map<string, string>, depth: number, done = new Map<string, string>()): string {
  const known = done.get(name);
  if (known !== undefined) return known;
  if (depth > MAX_DEPTH) throw new ParseError(`parse: the document's entities nest deeper than ${MAX_DEPTH} levels`);
  let length = 0;
  const value = (declared.get(name) as string).replace(REFERENCE, (reference, inner: string) => {
    // Character references, the predefined five and HTML's names (which sax
    // also knows in text) are plain characters; anything else is kept as
    // written, as text.
    const part = declared.has(inner) ? expand(inner, declared, depth + 1, done) : decodeHTML(reference);
    length += part.length;
    if (length > MAX_EXPANSION) throw new ParseError(`parse: the document's entities expand beyond ${MAX_EXPANSION} characters`);
    return part;
  });
  if (value.length > MAX_EXPANSION) throw new ParseError(`parse: the document's entities expand beyond ${MAX_EXPANSION} characters`);
  done.set(name, value);
  return value;
}
