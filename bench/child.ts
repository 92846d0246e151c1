// Child processes under test, and what Linux says about them: CPU time from
// /proc/PID/stat, resident memory and its peak (VmRSS, VmHWM) from
// /proc/PID/status, and the processes a process has started (a serve with
// reader processes is several), from /proc/PID/task/*/children.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface Child {
  process: ChildProcess;
  pid: number;
  port: number;
  /** Every port, for a child that listens on several. */
  ports: number[];
  stop(): Promise<void>;
}

/**
 * Node's flags for `wirefeed serve`, as `npm start` and the Docker image run
 * it (package.json, Dockerfile): the app's children here run with them too.
 */
export const serveFlags = ['--no-memory-reducer'];

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  /** Where the child's standard error (the service's log) goes; the terminal when absent. */
  logFile?: string;
}

/** Forks dist/bench/SCRIPT with ARGS and waits for it to report the port it listens on. */
export async function startChild(script: string, args: string[], options: ChildOptions = {}): Promise<Child> {
  const log = options.logFile === undefined ? 'inherit' : openSync(options.logFile, 'a');
  const child = fork(join(here, script), args, {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'inherit', log, 'ipc'],
  });
  if (typeof log === 'number') closeSync(log);
  const { port, ports } = await new Promise<{ port: number; ports?: number[] }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; ports?: number[] }));
    child.once('exit', (code) =>
      reject(new Error(`bench: ${script} ${args.join(' ')} exited with ${code} before listening${options.logFile ? ` (see ${options.logFile})` : ''}`)),
    );
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    pid: child.pid!,
    port,
    ports: ports ?? [port],
    async stop() {
      if (child.exitCode === null) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

let ticks: number | undefined;
const ticksPerSecond = () => (ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);

/** User plus system CPU seconds a process (or, given `thread`, one of its threads) has used so far. */
export function cpuSeconds(pid: number, thread?: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** CPU seconds the whole machine has been busy (every core, every process, and time stolen by the hypervisor). */
export function machineBusySeconds(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / ticksPerSecond();
}

/** VmRSS and VmHWM (peak resident set) in bytes. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * PID and every process descended from it, parents first; a process that
 * ends while this reads is left out. Children are listed per thread, by the
 * thread that started them (cluster forks from the main thread, but nothing
 * says it must).
 */
export function processTree(pid: number): number[] {
  const tree: number[] = [];
  const visit = (p: number) => {
    tree.push(p);
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const thread of threads) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${thread}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.trim().split(/\s+/).filter(Boolean)) visit(Number(child));
    }
  };
  visit(pid);
  return tree.filter((p) => {
    try {
      readFileSync(`/proc/${p}/stat`);
      return true;
    } catch {
      return false;
    }
  });
}

/** CPU seconds of PID and its descendants alive now (a child that has ended no longer counts). */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += cpuSeconds(p);
    } catch {
      // Ended between the listing and this read.
    }
  }
  return total;
}

/** A port free on 127.0.0.1 a moment ago, for a process that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
