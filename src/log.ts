// Structured logger: one JSON line per event, snake_case keys.
import { pino, type Logger } from 'pino';

export type Log = Logger;

export function createLog(level: string, destination?: NodeJS.WritableStream): Log {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? process.stderr);
}
