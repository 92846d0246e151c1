// How a serving process starts and stops listening (serve.ts, readers.ts, reader.ts).
import type { Server } from 'node:http';
import type { Log } from '../../observe/log.js';

// Past the grace: time for the connections just cut to close, and the
// database after them. Then the process ends whatever is still going.
const FORCE_EXIT_AFTER_GRACE_MS = 1_000;

/**
 * Stops accepting connections and waits for those open to finish their
 * requests; a keep-alive connection is closed as soon as it is idle. After
 * `graceMs` the rest are cut. Resolves with the number cut.
 */
export function drain(server: Server, graceMs: number): Promise<number> {
  return new Promise((resolve) => {
    let cut = 0;
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      server.getConnections((_err, count) => {
        cut = count;
        server.closeAllConnections();
      });
    }, graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolve(cut);
    });
    server.closeIdleConnections();
  });
}

/**
 * Runs `stop` once, on the first SIGTERM or SIGINT or when the returned
 * function is called, then ends the process: exit 0, or 1 when stopping
 * failed, or took longer than the grace and a second (whatever hangs, the
 * process ends; the timer is not unref'd, since a stop stuck on a promise
 * nothing will settle would otherwise end in silence with exit 0). A second
 * signal during the stop ends the process at once (Node's default, once
 * this listener is gone). Ending with the database open loses nothing
 * committed: every commit is in the WAL file already.
 */
export function stopOnSignal(log: Log, graceMs: number, stop: () => Promise<void>): (reason: string) => void {
  let stopping = false;
  const begin = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.off('SIGTERM', begin);
    process.off('SIGINT', begin);
    log.info({ event: 'shutdown', signal: reason, grace_ms: graceMs }, 'shutting down');
    const afterMs = graceMs + FORCE_EXIT_AFTER_GRACE_MS;
    setTimeout(() => {
      log.error({ event: 'shutdown_forced', after_ms: afterMs }, 'stopping took too long; exiting');
      process.exit(1);
    }, afterMs);
    stop()
      .catch((err: unknown) => {
        log.error({ event: 'shutdown_failed', err }, 'shutdown failed');
        process.exitCode = 1;
      })
      .finally(() => process.exit());
  };
  process.once('SIGTERM', begin);
  process.once('SIGINT', begin);
  return begin;
}

/** Listens on `port` (0: any); resolves with the port listened on. */
export async function listen(server: Server, port: number, host?: string): Promise<number> {
  server.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
