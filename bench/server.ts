// A server under test, run as a child process so that it has a core of its
// own while the load generator runs in the parent on the other one:
//   server.js app         the real app (createApp) over WIREFEED_DB, as `serve` builds it, without the schedule
//   server.js bare FILE   a bare node:http server replaying recorded answers (status, headers, bytes)
// It tells the parent its port over IPC and exits when the parent says "stop"
// (a normal exit, so that --cpu-prof can write its profile).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config/config.js';
import { openContext } from '../src/context.js';
import { createApp } from '../src/http/app.js';
import { createLog } from '../src/observe/log.js';

/** One recorded answer; the body in base64 so that it survives JSON. */
export interface Recorded {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
}

/** The answers the bare server replays, chosen by request headers alone. */
export interface Recording {
  identity: Recorded;
  gzip: Recorded;
  notModified: Recorded;
}

function appListener(): RequestListener {
  const cfg = loadConfig();
  return createApp(openContext(cfg, createLog(cfg.logLevel)));
}

function bareListener(file: string): RequestListener {
  const recording = JSON.parse(readFileSync(file, 'utf8')) as Recording;
  const ready = (r: Recorded) => ({ status: r.status, headers: r.headers, body: Buffer.from(r.body, 'base64') });
  const identity = ready(recording.identity);
  const gzip = ready(recording.gzip);
  const notModified = ready(recording.notModified);
  const choose = (req: IncomingMessage) =>
    req.headers['if-none-match'] ? notModified : req.headers['accept-encoding']?.includes('gzip') ? gzip : identity;
  return (req, res) => {
    const answer = choose(req);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
}

const [mode, file] = process.argv.slice(2);
const listener = mode === 'bare' && file ? bareListener(file) : appListener();
const server = createServer(listener);
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message) => {
  if (message === 'stop') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
