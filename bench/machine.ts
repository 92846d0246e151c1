// What the numbers were measured on.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { packageRoot } from '../src/paths.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
  date: string;
  /** The commit measured, and whether the work tree differed from it. */
  revision: string;
  loadBefore: string;
  loadAfter?: string;
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    revision: revision(),
    loadBefore: loadAverage(),
  };
}

function revision(): string {
  const git = (...args: string[]) => execFileSync('git', ['-C', packageRoot, ...args], { encoding: 'utf8' }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'db', 'config') ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git work tree)';
  }
}
