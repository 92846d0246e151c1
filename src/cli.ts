// The `wirefeed` command: serve | ingest | migrate | sources.
import type { Server } from 'node:http';
import { Command, Option } from 'commander';
import { type Config, loadConfig } from './config.js';
import { type Context, openContext } from './context.js';
import { createApp } from './http/app.js';
import { runIngest } from './ingest/run.js';
import { createLog } from './log.js';
import type { SourceResult } from './model.js';
import { startScheduler } from './scheduler.js';
import { listSourceHealth, listSources } from './store/sources.js';
import { schemaVersion } from './store/db.js';

export interface CliIo {
  out: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

export function buildCli(io: CliIo): Command {
  const program = new Command('wirefeed')
    .description('News syndication: ingest feeds and articles, publish RSS, Atom and JSON Feed')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('run the HTTP server and the ingest schedule (ingests once at start)')
    .action(async () => {
      const ctx = start(io);
      await serve(ctx);
    });

  program
    .command('ingest')
    .description('ingest sources: with --once a single run that ends with a per-source table')
    .option('--once', 'run one ingest now and exit')
    .option('--source <slug>', 'only this source')
    .action(async (opts: { once?: boolean; source?: string }) => {
      const ctx = start(io, 'warn');
      try {
        const all = listSources(ctx.db);
        const sources = opts.source ? all.filter((s) => s.slug === opts.source) : all;
        if (opts.source && sources.length === 0) {
          throw new CliError(`ingest: no source "${opts.source}"; known: ${all.map((s) => s.slug).join(', ')}`);
        }
        if (!opts.once) throw new CliError('ingest: pass --once (the schedule runs inside `wirefeed serve`)');
        io.out(`Ingesting ${sources.length} source${sources.length === 1 ? '' : 's'}…`);
        let done = 0;
        const results = await runIngest(ctx, sources, (r) => {
          done++;
          io.out(`[${done}/${sources.length}] ${r.source}: ${r.status === 'ok' ? `${r.itemsNew} new, ${r.itemsUpdated} updated` : `error: ${r.error}`}`);
        });
        io.out('');
        io.out(resultTable(results));
        if (results.some((r) => r.status === 'error')) process.exitCode = 1;
      } finally {
        ctx.db.close();
      }
    });

  program
    .command('migrate')
    .description('create or upgrade the database')
    .action(() => {
      const ctx = start(io, 'warn');
      io.out(`Database ${ctx.cfg.databasePath} is at schema version ${schemaVersion(ctx.db)}.`);
      ctx.db.close();
    });

  const sources = program.command('sources').description('sources and their health');
  sources
    .command('list', { isDefault: true })
    .description('list sources with their health')
    .action(() => {
      const ctx = start(io, 'warn');
      const rows = listSourceHealth(ctx.db).map((s) => [
        s.slug,
        s.enabled ? (s.lastStatus ?? 'never fetched') : 'disabled',
        s.lastFetchedAt?.toISOString() ?? '-',
        String(s.articleCount),
        String(s.errorCount),
        s.lastError ?? '',
      ]);
      io.out(table(['source', 'status', 'last fetch', 'articles', 'errors', 'last error'], rows));
      ctx.db.close();
    });

  return program;
}

export class CliError extends Error {
  override name = 'CliError';
}

function start(io: CliIo, level?: string): Context {
  const cfg: Readonly<Config> = loadConfig(io.env);
  const log = createLog(level && cfg.logLevel === 'info' ? level : cfg.logLevel);
  return openContext(cfg, log);
}

async function serve(ctx: Context): Promise<void> {
  const scheduler = startScheduler(ctx);
  const server: Server = createApp(ctx).listen(ctx.cfg.port);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.cfg.port;
  ctx.log.info({ event: 'listening', port, base_url: ctx.cfg.site.baseUrl }, `serving on http://localhost:${port}`);
  if (ctx.cfg.ingest.onStart) {
    scheduler.tick().catch((err: unknown) => ctx.log.error({ event: 'ingest_failed', err }, 'ingest at start failed'));
  }
  const shutdown = (signal: string) => {
    ctx.log.info({ event: 'shutdown', signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    scheduler
      .stop()
      .then(() => ctx.db.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

function resultTable(results: SourceResult[]): string {
  const rows = results.map((r) => [r.source, r.status, String(r.itemsSeen), String(r.itemsNew), String(r.itemsUpdated), r.error ?? '']);
  return table(['source', 'status', 'seen', 'new', 'updated', 'error'], rows);
}

/** A plain text table: columns padded to their widest cell. */
function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
