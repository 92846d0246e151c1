// Varnish in front of a real `wirefeed serve`, as deploy/varnish/README.md
// runs them, for the Varnish test and benchmark: both on 127.0.0.1 on free
// ports, each in a process group of its own (so that stopping one ends
// every process it started), with their files in a temporary folder.
// varnishd runs with a copy of deploy/varnish/wirefeed.vcl whose backend
// is the serve's port.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../src/paths.js';
import { freePort, serveFlags } from './child.js';
import { get } from './http.js';

const run = promisify(execFile);
export const vclPath = join(packageRoot, 'deploy', 'varnish', 'wirefeed.vcl');
const mainScript = join(packageRoot, 'dist', 'src', 'main.js');

/** Where varnishd is, or undefined when it is not installed (Debian puts it in /usr/sbin, often not on a user's PATH). */
export function findVarnishd(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => join(d, 'varnishd')).find((p) => existsSync(p));
}

/** A process group of ours: its leader, and how to end the group. */
interface Group {
  process: ChildProcess;
  stop(): Promise<void>;
}

function group(child: ChildProcess, graceMs: number): Group {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // The group has ended.
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    process: child,
    stop: () =>
      (stopping ??= (async () => {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        // Whatever the leader left behind in its group.
        signal('SIGKILL');
      })()),
  };
}

async function waitFor(what: string, ready: () => Promise<boolean>, child: ChildProcess, logFile: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} ended (${child.exitCode ?? child.signalCode}) before it was ready: ${tail(logFile)}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${ms / 1000} s: ${tail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function tail(logFile: string): string {
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-8).join('\n');
}

export interface Wirefeed {
  port: number;
  base: string;
  process: ChildProcess;
  /** SIGTERM, and the group is killed should it not end within 15 s. */
  stop(): Promise<void>;
}

/** `wirefeed serve` with this config and database on PORT (a free one by default), resolved once /readyz answers 200. */
export async function startWirefeed(options: { config: string; db: string; logFile: string; port?: number; env?: NodeJS.ProcessEnv }): Promise<Wirefeed> {
  const port = options.port ?? (await freePort());
  const log = openSync(options.logFile, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, WIREFEED_CONFIG: options.config, WIREFEED_DB: options.db, WIREFEED_PORT: String(port) };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [...serveFlags, mainScript, 'serve'], { env, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const base = `http://127.0.0.1:${port}`;
  const { stop } = group(child, 15_000);
  try {
    await waitFor('wirefeed serve', async () => (await get(`${base}/readyz`)).status === 200, child, options.logFile, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, base, process: child, stop };
}


export interface Varnish {
  /** varnishd's manager process, leader of its group (the cache process is its child). */
  pid: number;
  port: number;
  base: string;
  /** varnishd's working folder (-n), for varnishadm and varnishstat. */
  workdir: string;
  /** varnishstat's counters, by name (MAIN.cache_hit …). */
  stats(): Promise<Record<string, number>>;
  /** A varnishadm command, e.g. ['ban.list']. */
  adm(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * varnishd in the foreground (-F) with the VCL's backend on `backendPort`,
 * resolved once it answers HTTP; its files in a temporary folder of its own,
 * removed when it stops. Run as root, varnishd's default jail reads the VCL
 * and runs the cache as Debian's `varnish` and `vcache` users, so the
 * folder is open to others to read (it holds nothing else).
 */
export async function startVarnish(options: { varnishd: string; backendPort: number; memory?: string }): Promise<Varnish> {
  const dir = mkdtempSync(join(tmpdir(), 'wirefeed-varnishd-'));
  chmodSync(dir, 0o755);
  const vcl = readFileSync(vclPath, 'utf8');
  const backend = /(backend wirefeed \{[^}]*?\.port = )"8080";/;
  if (!backend.test(vcl)) throw new Error(`varnish: ${vclPath} has no backend wirefeed with .port = "8080" to point at the serve`);
  const vclCopy = join(dir, 'wirefeed.vcl');
  writeFileSync(vclCopy, vcl.replace(backend, `$1"${options.backendPort}";`));
  const port = await freePort();
  const workdir = join(dir, 'varnishd');
  const logFile = join(dir, 'varnishd.log');
  const log = openSync(logFile, 'a');
  // Varnish's default limits: the purge loop keeps each purge's keys within them (changes.ts batchesOf).
  const args = ['-F', '-n', workdir, '-a', `127.0.0.1:${port}`, '-T', '127.0.0.1:0', '-f', vclCopy, '-s', `malloc,${options.memory ?? '32m'}`];
  const child = spawn(options.varnishd, args, { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const leader = group(child, 10_000);
  const stop = async () => {
    await leader.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    // Any answer will do (a passed /healthz is 503 while the backend is not up yet).
    await waitFor('varnishd', async () => (await get(`${base}/healthz`)).status > 0, child, logFile, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pid: child.pid!,
    port,
    base,
    workdir,
    async stats() {
      const { stdout } = await run('varnishstat', ['-n', workdir, '-1', '-j'], { maxBuffer: 16 << 20 });
      const counters = (JSON.parse(stdout) as { counters: Record<string, { value: number }> }).counters;
      return Object.fromEntries(Object.entries(counters).map(([name, c]) => [name, c.value]));
    },
    async adm(command) {
      const { stdout } = await run('varnishadm', ['-n', workdir, ...command]);
      return stdout;
    },
    stop,
  };
}
