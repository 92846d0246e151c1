// `wirefeed serve` as a real process, for the tests that need one: started
// with the caller's environment (and --readers, node flags), its JSON log
// (stderr) read line by line, returned once it listens.
//
// On a loaded CI machine a start can take many seconds. When the serve has
// not listened within the start timeout, or ends first, it is killed and
// waited for before the error is thrown: the test's own hooks never learn
// of a child that startServe did not return, and a serve left running
// would keep node --test waiting on this process (or disturb later tests).
// The error carries the end of the serve's log, so that CI output says why.
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { until } from '../helpers.js';

// The compiled entry beside the compiled tests (dist/src/main.js).
const mainPath = fileURLToPath(new URL('../../src/main.js', import.meta.url));

const DEFAULT_START_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;

export interface ServeOptions {
  /** The child's whole environment: callers start from process.env and set or delete WIREFEED_* themselves. */
  env: NodeJS.ProcessEnv;
  /**
   * Passed as `--readers N`. With N above 1 (0 being one per core) the
   * serve has started once all N reader processes have said they listen;
   * left out, the configuration decides and the first to listen is enough.
   */
  readers?: number;
  /** Node flags before the entry point (those of `npm start`, say). */
  nodeFlags?: string[];
  /** How long the start may take, in ms. */
  startTimeoutMs?: number;
}

export interface ServeProcess {
  child: ChildProcess;
  /** The public port (every reader shares it). */
  port: number;
  /** Everything the serve has written to stderr so far. */
  log(): string;
  /** When each log event was first seen here (Date.now()), by event name. */
  seen: Map<string, number>;
  /** The process ids of the readers that have said they listen, in that order: a reader started again adds one. */
  readers(): number[];
  /** Its exit code once it has ended (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends SIGTERM; its exit code once it has ended. */
  stop(): Promise<number | null>;
  /** Sends SIGKILL; resolves once it has ended. */
  kill(): Promise<void>;
}

/** Every serve started here that has not ended yet, with the promise of its exit. */
const running = new Map<ChildProcess, Promise<number | null>>();

function killEveryServe(): void {
  for (const child of running.keys()) child.kill('SIGKILL');
}

// After the last test of the file: a serve still running here (its test
// failed before stopping it) would keep this process alive on its stderr
// pipe, and node --test would wait for it for ever.
after(async () => {
  const exits = [...running.values()];
  killEveryServe();
  await Promise.all(exits);
});

// This process ending before that (process.exit, say): its serves must
// not outlive it. Only a synchronous kill is possible here.
process.once('exit', killEveryServe);

// Ended by a signal (a CI time limit), a process runs no 'exit' listeners.
// A test file's process has no other listener for these (node:test adds
// none there), so once this one has run and is removed, the signal raised
// again ends the process as it would have ended without it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killEveryServe();
    process.kill(process.pid, signal);
  });
}

/** The last lines of a log, for an error message. */
function logTail(log: string): string {
  const lines = log.trimEnd().split('\n');
  const tail = lines.slice(-LOG_TAIL_LINES).join('\n');
  return lines.length > LOG_TAIL_LINES ? `[… ${lines.length - LOG_TAIL_LINES} lines before]\n${tail}` : tail || '(nothing)';
}

/** Starts `node [nodeFlags] main.js serve [--readers N]` and waits until it listens. */
export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  const args = ['serve', ...(options.readers === undefined ? [] : ['--readers', String(options.readers)])];
  // With reader processes only they log "listening" (one line each, with "reader": its pid); a single serve logs one line.
  const listenersWanted = options.readers === undefined ? 1 : Math.max(1, options.readers === 0 ? availableParallelism() : options.readers);
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), mainPath, ...args], { env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let ended: string | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = signal ? `was ended by ${signal}` : `exited with code ${code}`;
      running.delete(child);
      resolve(code);
    });
    // A process that could not be started emits 'error' and perhaps never 'exit'.
    child.once('error', (err) => {
      if (child.pid !== undefined) return;
      ended = `could not be started: ${err.message}`;
      running.delete(child);
      resolve(null);
    });
  });
  running.set(child, exited);

  // A process that ends writes its last lines before its stderr closes, which can be after 'exit'.
  const stderrClosed = new Promise((resolve) => child.stderr?.once('close', resolve));
  let log = '';
  // The last line until its newline has come: a chunk may end within a line.
  let partialLine = '';
  const seen = new Map<string, number>();
  const listeners: { port: number; reader?: number }[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    log += text;
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      let entry: { event?: unknown; port?: unknown; reader?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // not a log line (a warning from node itself, say)
      }
      if (typeof entry.event !== 'string') continue;
      if (!seen.has(entry.event)) seen.set(entry.event, Date.now());
      if (entry.event === 'listening' && typeof entry.port === 'number') {
        listeners.push({ port: entry.port, reader: typeof entry.reader === 'number' ? entry.reader : undefined });
      }
    }
  });

  const what = listenersWanted > 1 ? `${listenersWanted} readers to listen` : 'the server to listen';
  const started = () => listeners.length >= listenersWanted;
  let failure: string | undefined;
  try {
    await until(() => started() || ended !== undefined, what, startTimeoutMs);
    if (!started()) failure = `${ended} before it was ready (waiting for ${what})`;
  } catch {
    failure = `was not ready within ${startTimeoutMs} ms (waiting for ${what})`;
  }
  if (failure !== undefined) {
    // What a serve still running had said when time ran out: after the SIGKILL its reader processes'
    // own deaths (EPIPE traces) would fill the tail. One that ended by itself says why in its last lines.
    const logWhenKilled = ended === undefined ? log : undefined;
    child.kill('SIGKILL');
    await exited;
    // Its reader processes hold the pipe too, and end once they notice the primary has gone: bounded, in case one does not.
    await Promise.race([stderrClosed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    throw new Error(`wirefeed ${args.join(' ')} ${failure}. The end of its log:\n${logTail(logWhenKilled ?? log)}`);
  }

  return {
    child,
    port: listeners[0]!.port,
    log: () => log,
    seen,
    readers: () => listeners.flatMap((listener) => (listener.reader === undefined ? [] : [listener.reader])),
    exited,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
