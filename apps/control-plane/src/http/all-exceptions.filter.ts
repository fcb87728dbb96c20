import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CdnError, ErrorBody, errorBody, Logger } from '@cdn/shared';

/**
 * Turns every failure of the admin API into the catalogue's JSON `{error, message, ...}`:
 * our own CdnErrors as they are, Nest's 404 for unknown routes as `not_found`, body-parser
 * style errors by their status, and anything else as a logged `internal_error`.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      this.logger.error({ err: exception }, 'Unexpected error while handling an edge event');
      return;
    }
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const res = http.getResponse<ServerResponse>();
    const { status, body } = this.toAnswer(exception, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private toAnswer(exception: unknown, req: IncomingMessage & { originalUrl?: string }): { status: number; body: ErrorBody } {
    if (exception instanceof CdnError) return { status: exception.status, body: exception.toBody() };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return { status, body: errorBody('not_found', `No such endpoint: ${req.method} ${(req.url ?? '').split('?')[0]}`) };
      if (status === 405) return { status, body: errorBody('method_not_allowed') };
      if (status === 413) return { status, body: errorBody('payload_too_large') };
      if (status === 400) return { status, body: errorBody('invalid_request', exception.message) };
    }
    this.logger.error({ err: exception }, `Unexpected error on ${req.method} ${req.originalUrl ?? req.url}`);
    return { status: 500, body: errorBody('internal_error') };
  }
}
