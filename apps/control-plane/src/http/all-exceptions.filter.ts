import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CdnError, ErrorBody, errorBody, Logger } from '@cdn/shared';
import { Counter, type Registry } from 'prom-client';
import { RequestAborted } from './request-aborted';
import { requestIdOf } from './request-id';
import type { RouteMethods } from './route-methods';

/**
 * Turns every failure of the admin API into the catalogue's JSON `{error, message, ...}`:
 * our own CdnErrors as they are, Nest's 404 for unknown routes as `not_found` (or `method_not_allowed`
 * with `Allow` when the path exists with other methods), body-parser
 * style errors by their status, and anything else as a logged `internal_error`. A client that left
 * before its request was read gets nothing (there is nobody to answer): counted and logged at DEBUG.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly aborted: Counter;

  constructor(
    private readonly logger: Logger,
    private readonly routes: RouteMethods,
    registry: Registry,
  ) {
    this.aborted = new Counter({ name: 'cdn_cp_http_aborted_requests_total', help: 'Admin requests whose client left before the request was read', registers: [registry] });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      this.logger.error({ err: exception }, 'Unexpected error while handling an edge event');
      return;
    }
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = http.getResponse<ServerResponse>();
    if (exception instanceof RequestAborted) {
      this.aborted.inc();
      this.logger.debug({ request_id: requestIdOf(req) }, `${req.method} ${req.originalUrl ?? req.url}: the client left before its request body arrived`);
      res.destroy();
      return;
    }
    const { status, body, allow } = this.toAnswer(exception, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(allow ? { allow } : {}) });
    res.end(text);
  }

  private toAnswer(exception: unknown, req: IncomingMessage & { originalUrl?: string }): { status: number; body: ErrorBody; allow?: string } {
    if (exception instanceof CdnError) return { status: exception.status, body: exception.toBody() };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return this.notFound(req);
      if (status === 405) return { status, body: errorBody('method_not_allowed') };
      if (status === 413) return { status, body: errorBody('payload_too_large') };
      if (status === 400) return { status, body: errorBody('invalid_request', exception.message) };
    }
    const requestId = requestIdOf(req);
    this.logger.error({ err: exception, request_id: requestId }, `Unexpected error on ${req.method} ${req.originalUrl ?? req.url} (request ${requestId ?? '-'})`);
    return { status: 500, body: errorBody('internal_error') };
  }

  private notFound(req: IncomingMessage): { status: number; body: ErrorBody; allow?: string } {
    const path = (req.url ?? '').split('?')[0];
    const allowed = this.routes.allowed(path);
    if (allowed.length === 0) return { status: 404, body: errorBody('not_found', `No such endpoint: ${req.method} ${path}`) };
    const allow = allowed.join(', ');
    const message = `${path} does not accept ${req.method}; use ${allowed.filter((m) => m !== 'HEAD').join(' or ')}.`;
    return { status: 405, body: errorBody('method_not_allowed', message, { allow: allowed }), allow };
  }
}
