// Reads the publisher's own articles: Markdown files with YAML front matter,
// one article per file, the file name being the article's slug.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import matter from 'gray-matter';
import { marked } from 'marked';
import { z } from 'zod';
import { escapeHtml } from './nodes.js';
import type { ParsedEntry, ParsedFeed } from './parsed.js';
import { plainIssue } from '../../plain-issues.js';

const date = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v.toISOString() : v));

const frontMatter = z.object({
  title: z.string().min(1),
  summary: z.string().optional(),
  author: z.string().optional(),
  published: date,
  updated: date.optional(),
  // A time that cannot be read must not publish the article at once: the file is refused instead.
  embargo_until: date.refine((v) => !Number.isNaN(Date.parse(v)), 'must be a date and time, like 2026-11-18T09:30:00Z').optional(),
  url: z.url().optional(),
  categories: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  image: z.object({ url: z.string(), caption: z.string().optional(), credit: z.string().optional() }).optional(),
  related: z
    .array(z.union([z.object({ slug: z.string(), title: z.string().optional() }), z.object({ url: z.string(), title: z.string().optional() })]))
    .default([]),
  rights: z.string().optional(),
});

export class ArticleFileError extends Error {
  override name = 'ArticleFileError';
}

/**
 * Reads every `*.md` file of a folder; `siteUrl` gives articles their
 * canonical URL (siteUrl + slug). A file that cannot be read is reported in
 * `problems` and skipped, so one bad file does not hold back the others.
 */
export async function readArticleFolder(dir: string, siteUrl: string): Promise<ParsedFeed> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md') && !f.startsWith('.') && f.toLowerCase() !== 'readme.md').sort();
  const entries: ParsedEntry[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      entries.push(await readArticleFile(join(dir, file), siteUrl));
    } catch (err) {
      problems.push(err instanceof ArticleFileError ? err.message : `articles: ${file}: ${(err as Error).message}`);
    }
  }
  return { format: 'markdown', entries, problems };
}

export async function readArticleFile(path: string, siteUrl: string): Promise<ParsedEntry> {
  const slug = basename(path, '.md');
  const text = await readFile(path, 'utf8');
  let data: unknown;
  let content: string;
  try {
    ({ data, content } = matter(text));
  } catch (err) {
    throw new ArticleFileError(`articles: ${basename(path)}: ${yamlProblem(err, text)}`, { cause: err });
  }
  const parsed = frontMatter.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => plainIssue(i, 'front matter', data));
    throw new ArticleFileError(`articles: ${basename(path)}: ${problems.join('; ')}`);
  }
  const fm = parsed.data;
  const base = siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`;
  return {
    guid: slug,
    link: fm.url ?? new URL(slug, base).href,
    title: escapeHtml(fm.title),
    summary: escapeHtml(fm.summary),
    content: await marked.parse(content, { gfm: true }),
    author: escapeHtml(fm.author),
    published: fm.published,
    updated: fm.updated,
    ...(fm.embargo_until !== undefined ? { embargoUntil: fm.embargo_until } : {}),
    categories: fm.categories.map(escapeHtml),
    tags: fm.tags.map(escapeHtml),
    image: fm.image && { url: fm.image.url, caption: escapeHtml(fm.image.caption), credit: escapeHtml(fm.image.credit) },
    related: fm.related.map((r) => ({ url: 'slug' in r ? new URL(r.slug, base).href : r.url, title: escapeHtml(r.title) })),
    rights: escapeHtml(fm.rights),
  };
}

/**
 * Front matter that is not YAML, in one line: the line of the file (js-yaml
 * counts from the line after the opening "---") and the field it is in, for
 * the person who must fix it; never the parser's stack or snippet.
 */
function yamlProblem(err: unknown, text: string): string {
  const { name, reason, mark, message } = err as { name?: string; reason?: string; message?: string; mark?: { line?: number; column?: number } };
  if (name !== 'YAMLException') return `front matter: ${message ?? String(err)}`;
  const lines = text.split(/\r?\n/);
  // Index in `lines`: js-yaml's line 0 is the file's second line, after the opening "---".
  let at = mark?.line === undefined ? undefined : mark.line + 1;
  // An unclosed quote is found only at the end of the front matter: point at the line that opened it.
  if (reason?.includes('quoted scalar')) {
    const opened = lines.findIndex((l, i) => i >= 1 && ((l.match(/(?<!\\)"/g) ?? []).length % 2 === 1 || (l.match(/'/g) ?? []).length % 2 === 1));
    if (opened >= 1) at = opened;
  }
  // A mark at the start of a line blames what came before it (a list left open on the line above).
  const from = at === undefined ? -1 : mark?.column === 0 && at > 1 && !reason?.includes('quoted scalar') ? at - 1 : at;
  let field: string | undefined;
  for (let i = from; i >= 1 && field === undefined; i--) field = /^([A-Za-z_][\w-]*)\s*:/.exec(lines[i] ?? '')?.[1];
  const where = [at === undefined ? undefined : `line ${at + 1}`, field && `near field "${field}"`].filter(Boolean).join(', ');
  return `${where ? `${where}: ` : ''}the front matter is not valid YAML: ${reason ?? 'cannot be read'}`;
}
