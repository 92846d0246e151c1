#!/usr/bin/env node
// Entry point: runs the `wirefeed` command line.
import { CommanderError } from 'commander';
import { buildCli } from './cli/program.js';
import { CliError } from './cli/common.js';
import { ConfigError } from './config/config.js';
import { DatabaseError } from './store/db/faults.js';

try {
  await buildCli({ out: (line) => process.stdout.write(`${line}\n`), env: process.env }).parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof ConfigError || err instanceof CliError || err instanceof DatabaseError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`wirefeed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
