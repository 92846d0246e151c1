// Reads the publisher's own articles: Markdown files with YAML front matter,
// one article per file, the file name being the article's slug.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import matter from 'gray-matter';
import { marked } from 'marked';
import { z } from 'zod';
import { escapeHtml } from './nodes.js';
import type { ParsedEntry, ParsedFeed } from './parsed.js';

const date = z.union([z.date(), z.string()]).transform((v) => (v instanceof Date ? v.toISOString() : v));

const frontMatter = z.object({
  title: z.string().min(1),
  summary: z.string().optional(),
  author: z.string().optional(),
  published: date,
  updated: date.optional(),
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
  const { data, content } = matter(await readFile(path, 'utf8'));
  const parsed = frontMatter.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'front matter'}: ${i.message}`);
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
    categories: fm.categories.map(escapeHtml),
    tags: fm.tags.map(escapeHtml),
    image: fm.image && { url: fm.image.url, caption: escapeHtml(fm.image.caption), credit: escapeHtml(fm.image.credit) },
    related: fm.related.map((r) => ({ url: 'slug' in r ? new URL(r.slug, base).href : r.url, title: escapeHtml(r.title) })),
    rights: escapeHtml(fm.rights),
  };
}
