import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { errorBody, Logger } from '@cdn/shared';

/** Where a --workers primary serves its control plane to its workers: named after the primary's pid, which every worker knows. */
export function adminSocketPath(primaryPid: number): string {
  return path.join(os.tmpdir(), `cdn-server-${primaryPid}.sock`);
}

/** Serves `server` on the primary's socket, replacing one a crashed primary of the same pid left behind. */
export async function listenOnAdminSocket(server: http.Server): Promise<void> {
  const socket = adminSocketPath(process.pid);
  fs.rmSync(socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Headers of one connection, not of the request: the relay's own connection has its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

const UNREACHABLE = JSON.stringify(errorBody('not_ready', 'The control plane (in the primary process) did not answer; try again shortly.'));

/**
 * A worker's admin API: every request that is not /cdn goes, as it is, to the control plane in the primary over
 * its Unix socket (kept-alive connections), and the answer comes back as it is.
 */
export function relayToPrimary(logger: Logger): http.RequestListener {
  const socketPath = adminSocketPath(process.ppid);
  const agent = new http.Agent({ keepAlive: true });
  return (req, res) => {
    const upstream = http.request({ socketPath, agent, method: req.method, path: req.url, headers: withoutHopByHop(req.headers) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      logger.warn(`The control plane did not answer ${req.method} ${req.url} over ${socketPath}: ${err.message}`);
      if (res.headersSent) return void res.destroy();
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(UNREACHABLE), 'retry-after': '1' });
      res.end(UNREACHABLE);
    });
    // A client that leaves before its answer ends (a dashboard's event stream never ends by itself) releases the primary's side too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}
