// What every command shares: its input and output, its error type, and
// opening the context (config, database, log) it works in.
import { type Config, loadConfig } from '../config/config.js';
import type { Terminal } from './output.js';
import { type Context, type OpenOptions, openContext } from '../context.js';
import { createLog } from '../observe/log.js';

export interface CliIo {
  /** Results: what a pipe or a file should receive (tables, ids, OPML). */
  out: (line: string) => void;
  /** Progress and notes for the person watching; standard error when absent, so that piped output stays clean. */
  err?: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Where ingest progress is drawn in place; process.stderr when absent. */
  terminal?: Terminal;
}

export class CliError extends Error {
  override name = 'CliError';
}

export function start(io: CliIo, level?: string, options: OpenOptions = {}): Context {
  return open(loadConfig(io.env), level, options);
}

/** A quieter log than the configured default suits a one-off command. */
export function open(cfg: Readonly<Config>, level?: string, options: OpenOptions = {}): Context {
  return openContext(cfg, createLog(level && cfg.logLevel === 'info' ? level : cfg.logLevel), options);
}
