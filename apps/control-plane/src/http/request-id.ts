import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestIds } from '@cdn/shared';

/** Where an admin request's id is kept on the request, for the error filter and the admin gate's log lines. */
const REQUEST_ID = Symbol('cdn.requestId');
type RequestWithId = IncomingMessage & { [REQUEST_ID]?: string };

/**
 * Express-style middleware, first for every admin API path: the client's X-Request-Id is kept when usable
 * (else one is made), answered in X-Request-Id whatever the outcome, and named in the request's log lines.
 */
export function requestIdMiddleware(ids: RequestIds): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const id = ids.keepOrMake(req.headers['x-request-id']);
    (req as RequestWithId)[REQUEST_ID] = id;
    res.setHeader('x-request-id', id);
    next();
  };
}

/** The id requestIdMiddleware gave the request (none for a request that did not pass through it). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as RequestWithId)[REQUEST_ID];
}
