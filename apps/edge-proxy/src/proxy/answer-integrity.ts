import type { IncomingMessage } from 'node:http';

/** Answers a node wrote past the end of: complete by their own framing, yet not to be kept. */
const overrun = new WeakSet<IncomingMessage>();

/** Marks an answer followed by bytes past its end (more than its Content-Length, or after its last chunk). */
export function markOverrun(proxyRes: IncomingMessage): void {
  overrun.add(proxyRes);
}

/**
 * Whether a node's answer may be stored: complete, and not followed by bytes past its end. Such bytes mean its
 * framing is wrong, so its body may be cut short (a Content-Length counted in characters rather than bytes
 * is the usual cause): the client that asked gets it as framed, but nobody else is served it from the cache.
 */
export function answerIntact(proxyRes: IncomingMessage): boolean {
  return proxyRes.complete && !overrun.has(proxyRes);
}
