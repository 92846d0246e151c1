// One GET over a fresh connection, with exactly the given headers, timed
// from the request to the last byte of the body as it came over the wire.
import { request, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** How many items a feed body holds, in any of our three formats. */
export function countItems(body: string): number {
  const rss = body.match(/<item>/g)?.length ?? 0;
  const atom = body.match(/<entry>/g)?.length ?? 0;
  if (rss || atom) return rss || atom;
  try {
    return ((JSON.parse(body) as { items?: unknown[] }).items ?? []).length;
  } catch {
    return 0;
  }
}
