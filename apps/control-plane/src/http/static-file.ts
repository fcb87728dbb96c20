import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A file the control plane serves from memory: a page, its scripts and styles, the OpenAPI document. */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** A strong validator: the start of the body's SHA-256, so that a browser revalidating a file gets a 304. */
  etag: string;
}

export function staticFile(body: Buffer, contentType: string): StaticFile {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Answers `file` with `headers` (a page's security policy). Revalidated on every use (no-cache) rather than
 * kept, since an upgrade changes files under the same name; an unchanged one costs a 304.
 */
export function sendStaticFile(req: IncomingMessage, res: ServerResponse, file: StaticFile, headers: Readonly<Record<string, string>> = {}): void {
  const common = { ...headers, 'content-type': file.contentType, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', etag: file.etag };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { ...common, 'content-length': file.body.length });
  // Node sends no body to a HEAD request, whatever is written.
  res.end(file.body);
}
