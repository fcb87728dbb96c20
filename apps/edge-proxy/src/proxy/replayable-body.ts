import type { IncomingMessage } from 'node:http';

/** Request bodies up to this size are kept in memory so that a failed attempt can be replayed on another node. */
export const REPLAYABLE_BODY_BYTES = 64 * 1024;

/** none: nothing to send; small: kept for replay; streamed: too large (or unknown) to keep, not retried. */
export type BodyKind = 'none' | 'small' | 'streamed';

export function bodyKind(req: IncomingMessage): BodyKind {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined) return 'streamed';
  if (length === undefined || length === '0') return 'none';
  return Number(length) <= REPLAYABLE_BODY_BYTES ? 'small' : 'streamed';
}

export function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
