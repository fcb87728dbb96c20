import type { ErrorCode } from '@cdn/shared';

/** The code of the error the edge raises itself when a node stays silent past --upstream-timeout. */
export const UPSTREAM_TIMEOUT_CODE = 'CDN_UPSTREAM_TIMEOUT';

export function upstreamTimeoutError(timeoutMs: number): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`no response within ${timeoutMs} ms`);
  err.code = UPSTREAM_TIMEOUT_CODE;
  return err;
}

/** The code of a forwarding error, for logs and the upstream_errors_total metric. */
export function upstreamErrorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : 'UNKNOWN';
}

/** Which catalogue error the client gets: our own timeout is a 504, anything else (refused, reset, DNS) a 502. */
export function clientErrorFor(code: string): ErrorCode {
  return code === UPSTREAM_TIMEOUT_CODE ? 'upstream_timeout' : 'upstream_unreachable';
}

/** Whether a forwarding error is Node's HTTP parser refusing what the node sent (its codes start HPE_). */
export function isParseError(err: unknown): boolean {
  return upstreamErrorCode(err).startsWith('HPE_');
}
