// `wirefeed articles add FILE.md`: publish one of the publisher's own
// articles by copying it into the article folder and ingesting that source.
// `wirefeed articles versions ID`: an article's corrections, as a table or
// as the admin API's JSON.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CliError, type CliIo, open, start } from './common.js';
import { table } from './output.js';
import { type Config, loadConfig } from '../config/config.js';
import type { Context } from '../context.js';
import { ArticleFileError, readArticleFile } from '../ingest/parse/articles.js';
import { parseDate } from '../ingest/clean/dates.js';
import { runIngest } from '../ingest/run.js';
import { findArticleIdByGuid } from '../store/articles/articles.js';
import { articleState } from '../ingest/publish-article.js';
import { versionsJson } from '../publish/partner/versions.js';
import { getArticle, WITH_EMBARGOED } from '../store/articles/reads.js';
import { getArticleHistory } from '../store/versions/article-versions.js';
import { findSourceBySlug } from '../store/sources.js';

/**
 * Checks the article as ingest will read it before anything is copied, so
 * that a bad file never lands in the folder; then publishes it through the
 * ordinary ingest of its source.
 */
export async function addArticle(io: CliIo, file: string, force: boolean): Promise<void> {
  const cfg = loadConfig(io.env);
  const { source: target, slug, dest } = await copyArticle(cfg, file, force);
  const ctx = open(cfg, 'warn');
  try {
    const source = findSourceBySlug(ctx.db, target.slug);
    if (!source) throw new Error(`articles add: source ${target.slug} is not in the database`);
    const before = findArticle(ctx, source.id, slug);
    const [result] = await runIngest(ctx, [source]);
    const article = findArticle(ctx, source.id, slug);
    if (!article) {
      process.stderr.write(`articles add: ${dest} was copied but not published: ${result?.error ?? 'not found after ingest'}\n`);
      process.exitCode = 1;
      return;
    }
    // Another file of the folder may have failed; this article is out all the same.
    if (result?.error) process.stderr.write(`articles add: note: ${source.slug} also reported: ${result.error}\n`);
    const verb = !before ? 'Published' : before.updatedAt.getTime() === article.updatedAt.getTime() ? 'Unchanged' : 'Updated';
    const held = article.embargoUntil ? `, embargoed until ${article.embargoUntil.toISOString()}: the public sees it from then` : '';
    io.out(`${verb}: ${cfg.site.baseUrl}/articles/${article.id} (${article.url})${held}`);
  } finally {
    ctx.db.close();
  }
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Validates the article file and copies it into the first article folder; throws CliError for what the user must fix. */
async function copyArticle(cfg: Readonly<Config>, file: string, force: boolean) {
  const source = cfg.sources.find((s) => s.articlesDir);
  if (!source?.articlesDir) {
    throw new CliError(`articles add: no source in ${cfg.configPath} has an "articles" folder to publish into`);
  }
  const name = basename(file);
  const slug = basename(file, '.md');
  // The folder reader skips README.md, so that name could never publish.
  if (!name.endsWith('.md') || !SLUG.test(slug) || slug === 'readme') {
    throw new CliError(`articles add: ${file}: the file name is the article's slug: a-z, 0-9 and dashes, ending in .md`);
  }
  if (!existsSync(file)) throw new CliError(`articles add: cannot read ${file}: no such file`);
  // The same fallback as refresh uses; it only matters for the canonical URL.
  const siteUrl = source.siteUrl ?? `${cfg.site.baseUrl}/sources/${source.slug}/`;
  const entry = await readArticleFile(file, siteUrl).catch((err: unknown) => {
    throw err instanceof ArticleFileError ? new CliError(err.message, { cause: err }) : err;
  });
  // Ingest would quietly date an unreadable date "now"; a publisher wants to hear about it.
  for (const [field, value] of [['published', entry.published], ['updated', entry.updated], ['embargo_until', entry.embargoUntil]] as const) {
    if (value !== undefined && !parseDate(value)) throw new CliError(`articles: ${name}: ${field}: not a date: "${value}"`);
  }
  const dest = join(source.articlesDir, name);
  if (existsSync(dest) && !force) {
    throw new CliError(`articles add: ${source.slug} already has an article ${name} (${dest}); pass --force to replace it`);
  }
  mkdirSync(source.articlesDir, { recursive: true });
  if (resolve(file) !== dest) copyFileSync(file, dest);
  return { source, slug, dest };
}

function findArticle(ctx: Context, sourceId: number, guid: string) {
  const id = findArticleIdByGuid(ctx.db, sourceId, guid);
  return id === undefined ? undefined : getArticle(ctx.db, id, WITH_EMBARGOED);
}

/**
 * Prints an article's versions, newest first: when each became current,
 * until when, what the correction that made it changed, and its title
 * (bodies with --json, as GET /admin/articles/{id}/versions shows them).
 */
export function articleVersionsCommand(io: CliIo, idText: string, opts: { json?: boolean }): void {
  if (!/^\d{1,15}$/.test(idText)) throw new CliError(`articles versions: "${idText}" is not an article id (a number, as in /articles/{id})`);
  const id = Number(idText);
  const ctx = start(io, 'warn');
  try {
    const article = getArticle(ctx.db, id, WITH_EMBARGOED);
    const history = article && getArticleHistory(ctx.db, id);
    if (!article || !history) {
      const withdrawn = articleState(ctx.db, id).state === 'withdrawn';
      throw new CliError(`articles versions: ${withdrawn ? `article ${id} was withdrawn; its versions went with it` : `no article ${id}`}`);
    }
    if (opts.json) return io.out(JSON.stringify(versionsJson(id, history, ctx.cfg.site.baseUrl, true), null, 2));
    // A version's row says what the correction that made it changed: the row of the version before it.
    const madeBy = new Map(history.previous.map((v) => [v.version + 1, v.changed.join(' ')]));
    const changedInto = (version: number) => (version === 1 ? '-' : (madeBy.get(version) ?? '(not kept)'));
    const rows = [
      [String(history.version), (history.previous[0]?.replacedAt ?? article.publishedAt).toISOString(), 'current', changedInto(history.version), article.title],
      ...history.previous.map((v) => [String(v.version), v.createdAt.toISOString(), v.replacedAt.toISOString(), changedInto(v.version), v.title]),
    ];
    io.out(`${ctx.cfg.site.baseUrl}/articles/${id}: version ${history.version}, ${history.previous.length} earlier kept`);
    io.out(table(['version', 'from', 'until', 'changed', 'title'], rows));
  } finally {
    ctx.db.close();
  }
}
