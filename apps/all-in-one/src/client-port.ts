import type http from 'node:http';
import { CdnConfig, errorBody, Logger, openAdminApiWarning } from '@cdn/shared';
import type { EdgeProxy } from '@cdn/edge-proxy';

/** Client traffic goes to the edge; everything else is the admin API. */
export function isEdgePath(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/cdn/') || url === '/cdn' || url.startsWith('/cdn?'));
}

/**
 * What the one client port serves: /cdn from the edge, and the admin API from `admin` (the control plane, or in a
 * --workers worker the relay to it); with --admin-port only /cdn and the probes, the admin API being there.
 */
export function clientPortHandler(config: CdnConfig, edge: EdgeProxy, admin: http.RequestListener): http.RequestListener {
  if (config.adminPort === undefined) return (req, res) => (isEdgePath(req.url) ? edge.handle(req, res) : admin(req, res));
  return (req, res) => (isEdgePath(req.url) || isProbePath(req.url) ? edge.handle(req, res) : sendAdminElsewhere(res));
}

/** Warns when the admin API listens beyond loopback without a token. */
export function warnOfOpenAdminApi(config: CdnConfig, logger: Logger): void {
  const adminAddress = config.adminPort !== undefined ? { host: config.adminHost, port: config.adminPort } : { host: config.host, port: config.port };
  const warning = openAdminApiWarning(config, adminAddress, config.adminPort !== undefined ? '--admin-host 127.0.0.1' : '--admin-port <port> (it listens on 127.0.0.1 by default)');
  if (warning) logger.warn(warning);
}

function isProbePath(url: string | undefined): boolean {
  const path = url?.split('?')[0];
  return path === '/healthz' || path === '/readyz';
}

const ADMIN_ELSEWHERE = JSON.stringify(errorBody('not_found', 'The admin API is served on the admin listener (--admin-host, --admin-port), not on the client port.'));

function sendAdminElsewhere(res: http.ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ADMIN_ELSEWHERE) });
  res.end(ADMIN_ELSEWHERE);
}
