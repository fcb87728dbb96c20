import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { errorBody } from '@cdn/shared';
import { sendError, sendJson } from '../http/send-json';
import type { Readiness } from './readiness';

const HEALTHY = Buffer.from(JSON.stringify({ status: 'ok' }));

export interface StatusEndpoints {
  /** Answers /healthz, /readyz and (when it has them) /metrics; anything else is a JSON 404. */
  serve(req: IncomingMessage, res: ServerResponse, url: string): void;
}

/**
 * The edge's own endpoints: liveness, readiness (a routing table is in use, and where it came from) and, unless
 * `metrics` is false (they are on the admin listener instead), Prometheus metrics.
 */
export function createStatusEndpoints(options: { registry: Registry; readiness: () => Readiness; metrics: boolean }): StatusEndpoints {
  async function metrics(res: ServerResponse): Promise<void> {
    try {
      const text = await options.registry.metrics();
      res.writeHead(200, { 'content-type': options.registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    } catch {
      sendError(res, 'internal_error');
    }
  }

  return {
    serve(req, res, url) {
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      if (path !== '/healthz' && path !== '/readyz' && (path !== '/metrics' || !options.metrics)) return sendError(res, 'not_found');
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, JSON.stringify(errorBody('method_not_allowed')), { allow: 'GET, HEAD' });
      if (path === '/healthz') return sendJson(res, 200, HEALTHY);
      if (path === '/readyz') {
        const { status, body } = options.readiness();
        return sendJson(res, status, JSON.stringify(body));
      }
      void metrics(res);
    },
  };
}
