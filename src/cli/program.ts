// The `wirefeed` command: serve | ingest | migrate | reclassify | sources | articles | partners | backup.
// This file wires commands to their handlers and says what each does.
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { addArticle, articleVersionsCommand } from './articles.js';
import { backupDatabase } from './backup.js';
import { CliError, type CliIo, open, start } from './common.js';
import { loadConfig } from '../config/config.js';
import { ingestOnce } from './ingest.js';
import { runSchedule } from './schedule.js';
import { addPartner, listPartnersCommand, partnerUsageCommand, revokePartnerCommand, updatePartnerCommand } from './partners.js';
import { partnerWebhookCommand, webhookLogCommand } from './webhooks.js';
import { changeSourceCommand, exportSources, importSources, listSourcesCommand } from './sources.js';
import { reclassifyAll } from '../ingest/reclassify.js';
import { packageRoot } from '../paths.js';
import { serve } from './serve/serve.js';
import { schemaVersion } from '../store/db/db.js';
import { listSources } from '../store/sources.js';

const environmentHelp = `
Environment:
  WIREFEED_CONFIG    the configuration file (default: config/default.yaml)
  WIREFEED_DB        the SQLite database file (default: from the config file)
  WIREFEED_PORT      the HTTP port for serve
  WIREFEED_BASE_URL  the public URL used in feed links
  WIREFEED_LOG_LEVEL the log level (default: from the config file)`;

export function buildCli(io: CliIo): Command {
  const program = new Command('wirefeed')
    .description('News syndication: ingest feeds and articles, publish RSS, Atom and JSON Feed')
    .version(packageVersion(), '-V, --version', 'print the version')
    // Recognised before or after the command's name (commander's default), so `wirefeed ingest --once --config x.yaml` works.
    .option('--config <file>', 'the configuration file (the same as WIREFEED_CONFIG; default: config/default.yaml)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText('after', environmentHelp)
    .showHelpAfterError()
    // A usage error (unknown command or option, missing argument) exits 2, like a config error.
    .exitOverride((err) => {
      throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message);
    });

  program.hook('preAction', () => {
    const file = program.opts<{ config?: string }>().config;
    // Through the environment, so that loadConfig stays the one reader of it and serve's reader processes inherit it.
    if (file !== undefined) io.env.WIREFEED_CONFIG = resolve(file);
  });

  program
    .command('serve')
    .description('run the HTTP server and the ingest schedule (ingests once at start); what `npm start` runs')
    .option('--readers <n>', 'processes answering HTTP: 0 is one per core, 1 one process that does everything (default: server.readers, 0)', readerCount)
    .action(async (opts: { readers?: number }) => {
      // A reader process (serve/reader.ts) runs this command again; its primary has checked and migrated the database.
      const isReader = cluster.isWorker;
      const cfg = loadConfig(io.env);
      const readers = opts.readers === undefined ? cfg.server.readers : opts.readers || availableParallelism();
      const ctx = open({ ...cfg, server: { ...cfg.server, readers } }, undefined, isReader ? { migrated: true } : { check: true });
      await serve(ctx, isReader);
    });

  program
    .command('ingest')
    .description(
      'ingest sources: with --once one run now that shows progress and ends with a per-source table (exits 1 if a source failed); ' +
        'without it, the ingest schedule in the foreground until Ctrl-C (serve runs the same schedule beside the HTTP server)',
    )
    .option('--once', 'run one ingest now and exit')
    .option('--source <slug>', 'with --once: ingest only this source (see `wirefeed sources`)')
    .addHelpText('after', '\nExamples:\n  wirefeed ingest --once > results.txt   # the table on stdout, progress and logs on stderr\n  wirefeed ingest                        # ingest.schedule in the foreground')
    .action(async (opts: { once?: boolean; source?: string }) => {
      if (!opts.once) {
        if (opts.source) throw new CliError('ingest: --source needs --once (the schedule ingests every source when it is due)');
        return runSchedule(start(io, undefined, { check: true }));
      }
      const ctx = start(io, 'warn', { check: true });
      try {
        const all = listSources(ctx.db);
        const sources = opts.source ? all.filter((s) => s.slug === opts.source) : all;
        if (opts.source && sources.length === 0) {
          throw new CliError(`ingest: no source "${opts.source}"; known: ${all.map((s) => s.slug).join(', ')}`);
        }
        await ingestOnce(io, ctx, sources, opts.source);
      } finally {
        ctx.db.close();
      }
    });

  program
    .command('migrate')
    .description('create the database, or upgrade it to the newest schema, and print its schema version')
    .action(() => {
      const ctx = start(io, 'warn', { check: true });
      io.out(`Database ${ctx.cfg.databasePath} is at schema version ${schemaVersion(ctx.db)}.`);
      ctx.db.close();
    });

  program
    .command('reclassify')
    .description('run the current taxonomy (categories, keywords, parents) and tag gazetteer over every stored article, without fetching anything')
    .action(() => {
      const ctx = start(io, 'warn');
      try {
        const { seen, changed } = reclassifyAll(ctx);
        io.out(`Reclassified ${seen} article${seen === 1 ? '' : 's'}: ${changed} changed.`);
      } finally {
        ctx.db.close();
      }
    });

  const partners = program.command('partners').description("syndication partners: their keys, tiers and request counts");
  partners
    .command('add')
    .description('add a partner and print its key, once (only a hash of it is kept)')
    .argument('<name>', 'the partner, as listed')
    .option('--categories <slugs>', 'comma-separated category slugs it may see (default: all)')
    .option('--full-text', 'publish the full text (and rights) to it')
    .option('--embargoed', 'send it embargoed articles before their time, marked with it')
    .action((name: string, opts: { categories?: string; fullText?: boolean; embargoed?: boolean }) => addPartner(io, name, opts));
  partners
    .command('update')
    .description("change a partner's permissions")
    .argument('<name>', 'the partner')
    .option('--embargoed', 'send it embargoed articles before their time, marked with it')
    .option('--no-embargoed', 'hold embargoed articles from it until their time, as from the public')
    .action((name: string, opts: { embargoed?: boolean }) => updatePartnerCommand(io, name, opts));
  partners
    .command('list', { isDefault: true })
    .description('list partners with their tier, request count, status and webhook, with its pending and abandoned deliveries (the default)')
    .action(() => listPartnersCommand(io));
  partners
    .command('revoke')
    .description("revoke a partner's key: its requests are refused from now on")
    .argument('<name>', 'the partner')
    .action((name: string) => revokePartnerCommand(io, name));
  partners
    .command('usage')
    .description("a partner's usage in a UTC month: requests, bytes and 304s per day, and the articles it first received (route, format)")
    .argument('<name>', 'the partner')
    .option('--month <YYYY-MM>', 'the month (default: the current one)')
    .option('--csv', 'print CSV: the days, or the articles with --articles')
    .option('--articles', 'with --csv: the articles rather than the days')
    .action((name: string, opts: { month?: string; csv?: boolean; articles?: boolean }) => partnerUsageCommand(io, name, opts));
  partners
    .command('webhook')
    .description(
      "a partner's webhook, where kill and correction notices are POSTed: show it, set it (prints its signing secret, once), remove it, or send it a test event",
    )
    .argument('<name>', 'the partner')
    .option('--url <url>', 'set the webhook to this http(s) URL (public addresses only, unless webhooks.allow_private_urls), with a new secret')
    .option('--remove', 'remove the webhook; notices still owed to it are canceled')
    .option('--ping', "queue a webhook.ping event to this partner alone, signed and retried like a notice: a check of its receiver and signature code")
    .addHelpText(
      'after',
      '\nExamples:\n  wirefeed partners webhook "Coast Weekly" --url https://cms.coastweekly.example/hooks/wirefeed\n  wirefeed partners webhook "Coast Weekly" --ping\n  wirefeed partners webhook-log "Coast Weekly"',
    )
    .action(async (name: string, opts: { url?: string; remove?: boolean; ping?: boolean }) => partnerWebhookCommand(io, name, opts));
  partners
    .command('webhook-log')
    .description("a partner's latest webhook requests, newest first: when, event, status or error, duration, and where the delivery stands")
    .argument('<name>', 'the partner')
    .option('--limit <n>', 'how many (default 20, at most 500)')
    .action((name: string, opts: { limit?: string }) => webhookLogCommand(io, name, opts));

  const sources = program.command('sources').description('sources: list them with their health, import or export them as OPML');
  sources
    .command('list', { isDefault: true })
    .description('list every source with its health: status, HTTP status, last fetch, next due, articles, errors, last error (the default)')
    .action(() => listSourcesCommand(io));

  for (const [change, what] of [
    ['remove', 'stop fetching a source that is not in the config file (the admin API\'s DELETE); its articles stay published'],
    ['disable', 'stop fetching a source that is not in the config file; its articles stay published'],
    ['enable', 'fetch a disabled source again, from the next ingest'],
  ] as const) {
    sources
      .command(change)
      .description(what)
      .argument('<slug>', 'the source (see `wirefeed sources`)')
      .action((slug: string) => changeSourceCommand(io, slug, change));
  }

  sources
    .command('import')
    .description(
      'add the feeds of an OPML 1.0 or 2.0 subscription list as sources, or update the sources that have their URL; ' +
        'imported sources are kept across restarts, whatever the config file lists',
    )
    .argument('<file>', 'an OPML file, as feed readers export it')
    .addHelpText(
      'after',
      `
Every outline with an xmlUrl (or type="rss") becomes a source named by its
title (else its text), with a slug made from that name and site_url from
its htmlUrl; a source that already has the feed's URL is updated instead.
Only http(s) feeds are imported; the others are listed as skipped. Default
categories come from the category attribute ("/World/Europe" counts as
"Europe") and from the enclosing folders, where they name a configured
category by slug or label; other names are listed as ignored. New sources
are fetched at the next ingest.

Example:
  wirefeed sources import subscriptions.opml`,
    )
    .action((file: string) => importSources(io, file));

  sources
    .command('export')
    .description('write every enabled feed source (http(s) and file URLs) as an OPML 2.0 subscription list')
    .argument('[file]', 'the file to write; standard output when absent')
    .addHelpText('after', '\nExample:\n  wirefeed sources export feeds.opml    # then import it in any feed reader')
    .action((file: string | undefined) => exportSources(io, file));

  const articles = program.command('articles').description("the publisher's own articles (Markdown files with front matter), and any article's versions");
  articles
    .command('add')
    .description(
      'publish a Markdown article: check its front matter, copy it into the articles folder of the first source ' +
        'that has one, ingest that source and print the article URL',
    )
    .argument('<file>', 'the article: YAML front matter (title, published, …) then the body; the file name is its slug')
    .option('--force', 'replace an article of the same file name in the folder')
    .addHelpText('after', '\nExample:\n  wirefeed articles add harbour-reopens.md\n\nThe front matter fields are described in README.md.')
    .action(async (file: string, opts: { force?: boolean }) => addArticle(io, file, opts.force === true));
  articles
    .command('versions')
    .description("an article's earlier versions (any article, from a feed or the admin API): when each was corrected, what changed, its title")
    .argument('<id>', 'the article id, as in /articles/{id}')
    .option('--json', 'print them as JSON, bodies included (as GET /admin/articles/{id}/versions)')
    .addHelpText('after', '\nThe last 10 earlier versions of an article are kept; a withdrawn article keeps none.')
    .action((id: string, opts: { json?: boolean }) => articleVersionsCommand(io, id, opts));

  program
    .command('backup')
    .description('copy the database to a file, safely while `wirefeed serve` runs; prints the size and article count of the copy')
    .argument('<file>', 'the copy to write: one SQLite file that opens on its own')
    .option('--force', 'replace the file if it exists')
    .addHelpText('after', '\nExample:\n  wirefeed backup /backups/wirefeed-$(date +%F).db')
    .action(async (file: string, opts: { force?: boolean }) => backupDatabase(io, file, opts.force === true));

  return program;
}

/** The version in package.json, which ships beside the build. */
function readerCount(value: string): number {
  const n = Number(value);
  if (!/^\d{1,2}$/.test(value) || n > 64) throw new InvalidArgumentError('a whole number from 0 (one per core) to 64');
  return n;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
