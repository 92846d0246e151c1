// `wirefeed sources`: list them with their health, import an OPML
// subscription list, export one; remove, disable or enable one through the
// same store functions and rules as the admin API (http/admin/sources.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError, type CliIo, open, start } from './common.js';
import { importReport, table } from './output.js';
import { loadConfig } from '../config/config.js';
import { planImport } from '../opml/import.js';
import { OpmlError, readOpml, writeOpml } from '../opml/opml.js';
import { disableSource, listExistingSources, saveImportedSources, sourceOwnership, updateAdminSource } from '../store/source-admin.js';
import { PUBLISHER_SOURCE } from '../ingest/publish-article.js';
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

/**
 * `sources remove|disable|enable SLUG`. Remove is the admin API's DELETE:
 * the source is no longer fetched and its articles stay published, as with
 * disable; enable starts fetching it again (due now if it was gone). Sources
 * of the config file are the config file's: the next start would undo a
 * change, so the command says where to make it.
 */
export function changeSourceCommand(io: CliIo, slug: string, change: 'remove' | 'disable' | 'enable'): void {
  const ctx = start(io, 'warn');
  try {
    const owner = sourceOwnership(ctx.db, slug);
    const known = () => listSourceHealth(ctx.db).map((s) => s.slug).join(', ');
    if (!owner) throw new CliError(`sources ${change}: no source "${slug}"; known: ${known() || '(none)'}`);
    if (owner.origin === 'config' && owner.enabled) {
      throw new CliError(`sources ${change}: source "${slug}" is in the config file ${ctx.cfg.configPath}; ${change === 'enable' ? 'it is enabled' : 'remove it there'}`);
    }
    if (owner.local) throw new CliError(`sources ${change}: source "${slug}" reads local files named by the config file; change it in ${ctx.cfg.configPath}`);
    if (slug === PUBLISHER_SOURCE && owner.origin === 'admin') throw new CliError(`sources ${change}: source "${slug}" holds the articles published through the admin API`);
    if (change === 'enable') {
      updateAdminSource(ctx.db, slug, { enabled: true });
      io.out(owner.enabled ? `Source ${slug} was already enabled.` : `Enabled ${slug}: it is fetched at the next ingest.`);
      return;
    }
    if (change === 'disable') updateAdminSource(ctx.db, slug, { enabled: false });
    else disableSource(ctx.db, slug);
    const verb = change === 'remove' ? 'Removed' : 'Disabled';
    io.out(`${verb} ${slug}: no longer fetched; its articles stay published (\`wirefeed sources enable ${slug}\` to fetch it again).`);
  } finally {
    ctx.db.close();
  }
}
