/** Test support: a node's HTTP server that a test can kill and start again on the same port. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RestartableOrigin {
  url: string;
  port: number;
  /** Requests received, as "METHOD /path". */
  requests: string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startRestartableOrigin(handler: http.RequestListener = (_req, res) => res.end('ok')): Promise<RestartableOrigin> {
  const requests: string[] = [];
  let server: http.Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        handler(req, res);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve((s.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async restart() {
      await listen(port);
    },
  };
}
