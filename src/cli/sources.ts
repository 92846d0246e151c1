// `wirefeed sources`: list them with their health, import an OPML
// subscription list, export one.
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError, type CliIo, open, start } from './common.js';
import { importReport, table } from './output.js';
import { loadConfig } from '../config/config.js';
import { planImport } from '../opml/import.js';
import { OpmlError, readOpml, writeOpml } from '../opml/opml.js';
import { listExistingSources, saveImportedSources } from '../store/source-admin.js';
import { listSourceHealth, listSources } from '../store/sources.js';

export function listSourcesCommand(io: CliIo): void {
  const ctx = start(io, 'warn');
  const rows = listSourceHealth(ctx.db).map((s) => [
    s.slug,
    !s.enabled ? 'disabled' : s.goneAt ? 'gone' : (s.lastStatus ?? 'never fetched'),
    s.httpStatus === undefined ? '-' : String(s.httpStatus),
    s.lastFetchedAt?.toISOString() ?? '-',
    s.enabled && !s.goneAt && s.lastFetchedAt ? s.nextDueAt.toISOString() : '-',
    String(s.articleCount),
    String(s.errorCount),
    s.lastError ?? '',
  ]);
  io.out(table(['source', 'status', 'http', 'last fetch', 'next due', 'articles', 'errors', 'last error'], rows));
  ctx.db.close();
}

export async function importSources(io: CliIo, file: string): Promise<void> {
  const cfg = loadConfig(io.env);
  const feeds = await readOpmlFile(file);
  const ctx = open(cfg, 'warn');
  try {
    const plan = planImport(feeds, cfg.categories, listExistingSources(ctx.db));
    saveImportedSources(ctx.db, plan);
    io.out(importReport(plan));
  } finally {
    ctx.db.close();
  }
}

export function exportSources(io: CliIo, file: string | undefined): void {
  const ctx = start(io, 'warn');
  try {
    const feeds = listSources(ctx.db).flatMap((s) =>
      s.url && /^(https?|file):/i.test(s.url) ? [{ name: s.name, xmlUrl: s.url, htmlUrl: s.siteUrl, categories: s.categories }] : [],
    );
    const opml = writeOpml({ title: ctx.cfg.site.title, dateCreated: new Date() }, feeds);
    if (file === undefined) {
      io.out(opml);
      return;
    }
    try {
      writeFileSync(file, `${opml}\n`);
    } catch (err) {
      throw new CliError(`sources export: cannot write ${file}: ${(err as Error).message}`, { cause: err });
    }
    io.out(`Exported ${feeds.length} source${feeds.length === 1 ? '' : 's'} to ${file}.`);
  } finally {
    ctx.db.close();
  }
}

async function readOpmlFile(file: string) {
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`sources import: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return (await readOpml(xml)).feeds;
  } catch (err) {
    if (err instanceof OpmlError) throw new CliError(`sources import: ${file} is not valid OPML: ${err.problem}`, { cause: err });
    throw err;
  }
}
