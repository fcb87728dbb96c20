/** Small fetch helpers for tests: JSON in, status + JSON (or text) out. */

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function request<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

export const post = <T = any>(url: string, json?: unknown, init: RequestInit = {}) => request<T>(url, { ...init, method: 'POST', json });
export const get = <T = any>(url: string, init: RequestInit = {}) => request<T>(url, { ...init, method: 'GET' });

/**
 * A GET through node:http, sending exactly the headers given: fetch() adds Cache-Control: no-cache to
 * conditional requests, which would change what a cache does with them.
 */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) => {
      http
        .get(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        })
        .on('error', reject);
    }, reject);
  });
}
