import { randomBytes } from 'node:crypto';

/** Longest X-Request-Id taken from a client; a longer one is replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

/**
 * Whether a client's X-Request-Id can be kept: 1-128 visible ASCII characters (no space, no control
 * character), so that it is safe in a header, a log line and a JSON field as it is. Several X-Request-Id
 * headers arrive joined by ", " and are replaced.
 */
export function isUsableRequestId(id: string): boolean {
  const length = id.length;
  if (length === 0 || length > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** Makes request ids: `<prefix>-<counter>`. */
export interface RequestIds {
  /** A new id, unique to this process. */
  next(): string;
  /** The client's id when it is usable, else a new one. */
  keepOrMake(given: string | string[] | undefined): string;
}

/**
 * Ids without any cryptography per request: a random prefix drawn once per process (so workers and restarts
 * never share one: 64 bits) and a counter. `prefix` is for tests.
 */
export function createRequestIds(prefix: string = randomBytes(8).toString('hex')): RequestIds {
  const head = `${prefix}-`;
  let counter = 0;
  const next = () => head + ++counter;
  return {
    next,
    keepOrMake: (given) => (typeof given === 'string' && isUsableRequestId(given) ? given : next()),
  };
}
