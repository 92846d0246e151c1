// Structured logger: one JSON line per event, snake_case keys. On a terminal
// (stderr is a TTY) the same events are printed readably by pino-pretty;
// anything else (a pipe, a file, a container's log driver) gets the JSON.
import { pino, type Logger } from 'pino';
import { build as pretty } from 'pino-pretty';

export type Log = Logger;

export function createLog(level: string, destination?: NodeJS.WritableStream): Log {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (destination) return pino(options, destination);
  if (process.stderr.isTTY) {
    // Synchronous, so that the last lines before an exit are not lost.
    return pino(options, pretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l' }));
  }
  return pino(options, process.stderr);
}
