// The node:http server `serve` listens with, around the app. Every way a
// client can hold a connection open is bounded, because each open connection
// is a file descriptor: without bounds a thousand sockets that connect and
// never send a byte use up the process's descriptors, and then it can
// neither accept nor fetch nor open a file.
//
// What bounds what (config `server.*`):
// - idle: nothing moves on the connection — no request yet, headers that
//   stall, an answer the client stops reading. The socket's own timeout.
//   (A body that stalls is the request bound's.)
// - headers: from the accept (or a keep-alive request's first byte) to the
//   end of the headers, however they trickle in (slowloris). Node answers
//   408 and closes. It checks every `connectionsCheckingInterval`, so a
//   connection lives at most that much past the bound.
// - request: the whole request, body included, as received.
// - keep-alive: the wait for a connection's next request. Node advertises it
//   (`Keep-Alive: timeout=N`) and closes one second later, so that a client
//   that believed the number never sends on a connection being closed.
// - connections: past the limit a new connection is closed as it arrives.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config/config.js';

export function createHttpServer(app: RequestListener, limits: Config['server']): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node's default is 30 s, which would let a slow client hold on three times the usual header bound.
      connectionsCheckingInterval: Math.max(1, Math.min(1000, Math.round(limits.headersTimeoutMs / 4))),
    },
    app,
  );
  server.timeout = limits.idleTimeoutMs;
  // Closed, rather than answered 503: writing an answer means accepting the
  // connection and reading its request first (an answer sent over unread
  // bytes is often lost to the reset that closing then sends, RFC 9112 9.6),
  // which is the very work the limit is there to refuse while the slots are
  // held, perhaps by sockets that will never send anything. A client sees
  // a closed connection and tries again later; /metrics counts the drops.
  server.maxConnections = limits.maxConnections;

  // The idle timeout also fires while a handler works on its answer with
  // nothing to send yet (an admin ingest takes as long as its sources):
  // that connection is waiting on us, not idle, so it stays. Once the
  // handler has begun to answer, a socket that stops moving is a client
  // that stopped reading. Node leaves the socket to this listener.
  const answering = new WeakMap<Socket, ServerResponse>();
  server.on('request', (req, res) => answering.set(req.socket, res));
  server.on('timeout', (socket: Socket) => {
    const res = answering.get(socket);
    if (res && !res.headersSent) return;
    socket.destroy();
  });
  return server;
}
