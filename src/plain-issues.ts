// zod's issues in plain words, for a person fixing a file: "is required"
// rather than "Invalid input: expected string, received undefined". Used by
// the config file (config/config.ts) and article front matter
// (ingest/parse/articles.ts), so both speak alike.
import type { z } from 'zod';

/**
 * One issue as `path: what is wrong`; `top` names the whole document when
 * the path is empty. `document` is what was parsed: the value at the path
 * tells a missing key from a wrong one.
 */
export function plainIssue(issue: z.core.$ZodIssue, top: string, document: unknown): string {
  const value = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), document);
  return `${issue.path.map(String).join('.') || top}: ${plainMessage(issue, value)}`;
}

function plainMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${article(issue.expected)}, not ${describe(value)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')} (a misspelling, or a key in the wrong section?)`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      return issue.message;
    case 'invalid_union':
      return 'is not in any of the accepted forms (see README.md)';
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'a mapping (key: value lines)';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'string' ? 'the text' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}
