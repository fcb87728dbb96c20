import type { IncomingMessage } from 'node:http';

/**
 * The client went away while its request body was still arriving. That is the client's doing, not a
 * failure of ours: nobody is left to answer, so it gets no 500 and the log no ERROR.
 */
export class RequestAborted extends Error {
  constructor(cause: unknown) {
    super('The client closed the connection before its request body was read', { cause });
  }
}

/** Whether a failure while reading `req` came from the client leaving. */
export function isClientAbort(req: IncomingMessage, err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return req.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error | undefined)?.message === 'aborted';
}
