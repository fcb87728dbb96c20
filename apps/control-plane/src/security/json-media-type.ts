import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether a request carries a body: a Content-Length above 0, or any Transfer-Encoding. A POST
 * without one (the manual's `curl -X POST .../heartbeat/node1`) needs no Content-Type.
 */
export function declaresBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}

/**
 * Whether a Content-Type says JSON: `application/json`, in any case, with any parameters
 * (`; charset=utf-8`). The three types a page may send cross-site without a preflight (text/plain,
 * form-urlencoded, multipart) are not JSON, which is what makes requiring it a defence against them.
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';')[0].trim().toLowerCase() === 'application/json';
}
