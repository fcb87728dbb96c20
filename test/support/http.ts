/** Small fetch helpers for tests: JSON in, status + JSON (or text) out; node:http for what fetch() would change or hide. */
import http, { type IncomingHttpHeaders } from 'node:http';

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

/** What node:http received: the final answer, the 1xx answers before it, and whether the edge cut it short. */
export interface RawAnswer<Body = Buffer> {
  status: number;
  headers: IncomingHttpHeaders;
  body: Body;
  /** The interim (1xx) answers that came before it, in order. */
  interims: { status: number; headers: IncomingHttpHeaders }[];
  /** The answer ended before its body did (the connection closed). */
  aborted: boolean;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The request target exactly as given, in place of the URL's (which URL parsing would normalise). */
  path?: string;
  /** A connection of its own rather than a pooled one. */
  newConnection?: boolean;
}

/**
 * A request through node:http, sending exactly the headers given: fetch() adds Cache-Control: no-cache to
 * conditional requests, which would change what a cache does with them, and hides 1xx answers.
 */
export function rawRequest(url: string, options: RawOptions = {}): Promise<RawAnswer> {
  const { method = 'GET', body, path, newConnection } = options;
  const headers = body === undefined ? options.headers : { ...options.headers, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const interims: RawAnswer['interims'] = [];
    const req = http.request(url, { method, headers, ...(path === undefined ? {} : { path }), ...(newConnection ? { agent: false } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      const answer = (aborted: boolean) => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), interims, aborted });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => answer(false));
      res.on('error', () => answer(true));
    });
    req.on('information', (info) => interims.push({ status: info.statusCode, headers: info.headers }));
    req.on('error', reject);
    req.end(body);
  });
}

/** rawRequest with the body as UTF-8 text. */
export async function rawText(url: string, options: RawOptions = {}): Promise<RawAnswer<string>> {
  const answer = await rawRequest(url, options);
  return { ...answer, body: answer.body.toString('utf8') };
}

/** A GET with exactly these headers (see rawRequest). */
export const rawGet = (url: string, headers: Record<string, string> = {}): Promise<RawAnswer> => rawRequest(url, { headers });
