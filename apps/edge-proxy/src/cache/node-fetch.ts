import http, { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { nodePath } from '../routing/cdn-path';
import type { NodeTarget } from '../routing/routing-state';


/**
 * A GET to a node made by the edge itself (background refresh, cache warming), not on behalf of a
 * waiting client: the same keep-alive agent as forwarded requests, and the same path mapping.
 */
export function getFromNode(target: NodeTarget, clientTarget: string, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<IncomingMessage> {
  const base = target.proxyOptions.target;
  const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
  const client = base.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        path: basePath + nodePath(clientTarget),
        method: 'GET',
        headers: { ...headers, host: base.host },
        agent: target.proxyOptions.agent,
        timeout: timeoutMs,
      },
      resolve,
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}
