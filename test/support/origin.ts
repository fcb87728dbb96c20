import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Origin {
  url: string;
  port: number;
  requests: RecordedRequest[];
  server: http.Server;
  close(): Promise<void>;
}

/**
 * A real HTTP origin on a free port. By default it echoes what it received as JSON;
 * `handler` replaces that for tests that need another answer.
 */
export async function startOrigin(
  name: string,
  handler?: (req: http.IncomingMessage, res: http.ServerResponse, recorded: RecordedRequest[]) => void,
  options: { port?: number } = {},
): Promise<Origin> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    if (handler) {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.alloc(0) });
      handler(req, res, requests);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const answer = JSON.stringify({ origin: name, method: req.method, url: req.url, body: body.toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(req.method === 'HEAD' ? undefined : answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An origin whose answers (JSON naming it and the path) any cache may keep for 5 minutes. */
export function startCacheableOrigin(name: string): Promise<Origin> {
  return startOrigin(name, (req, res) => {
    const body = JSON.stringify({ origin: name, url: req.url });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}
