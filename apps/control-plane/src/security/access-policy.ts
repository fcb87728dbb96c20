import { DOCS_PATHS } from '../docs/docs-paths';

/**
 * Who may do what on the admin API, as a pure function of the request's method, path and credential.
 * Anything it does not recognise needs the admin token: an allowance is granted only for the exact forms
 * below, so a path spelled another way (`/Heartbeat/x`, `/healthz/`) can only be refused, never let through.
 */

/** Probes and metrics stay open to schedulers and scrapers, with or without tokens, and so does the API documentation (see DOCS_PATHS). */
export const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics', ...DOCS_PATHS]);

/**
 * The dashboard's page and its files: they hold no data, and a browser cannot send a token when it opens a
 * page. What the page shows comes from GET /dashboard/events, which needs a token like any admin GET.
 */
const DASHBOARD_FILE = /^\/dashboard(?:\/assets\/[a-z0-9-]+\.(?:js|css|svg))?$/;

/** Whether a path is answered without a token (exact forms only, like everything here). */
export function isOpenPath(path: string): boolean {
  return OPEN_PATHS.has(path) || DASHBOARD_FILE.test(path);
}

/** What the request's `Authorization` header turned out to be. */
export type Credential =
  | { kind: 'none' }
  /** An Authorization header that is not `Bearer <token>`. */
  | { kind: 'malformed' }
  | { kind: 'admin' }
  | { kind: 'viewer' }
  /** A node's own token (`POST /register_node` gave it). */
  | { kind: 'node'; nodeId: string }
  | { kind: 'unknown' };

export type DenyReason = 'missing_token' | 'invalid_token' | 'read_only' | 'wrong_node' | 'node_token_scope';

export type Access =
  | { allowed: true; as: 'admin' | 'viewer' | 'node' }
  | { allowed: false; status: 401 | 403; reason: DenyReason; message: string };

export interface AccessRequest {
  method: string;
  /** The node whose heartbeat this is, for `POST /heartbeat/<id>`; undefined for every other request. */
  heartbeatOf: string | undefined;
  credential: Credential;
}

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

export function decideAccess({ method, heartbeatOf, credential }: AccessRequest): Access {
  switch (credential.kind) {
    case 'admin':
      return { allowed: true, as: 'admin' };
    case 'viewer':
      if (READ_METHODS.has(method)) return { allowed: true, as: 'viewer' };
      return deny(403, 'read_only', 'A viewer token may only read (GET, HEAD); this needs an admin token.');
    case 'node':
      if (heartbeatOf === credential.nodeId) return { allowed: true, as: 'node' };
      if (heartbeatOf !== undefined) return deny(403, 'wrong_node', `This is node ${credential.nodeId}'s token: it may only send node ${credential.nodeId}'s heartbeats.`);
      return deny(403, 'node_token_scope', `A node token may only send its own node's heartbeats (POST /heartbeat/${credential.nodeId}); this needs an admin token.`);
    case 'none':
      return deny(401, 'missing_token', 'The admin API needs a token: send Authorization: Bearer <token>.');
    case 'malformed':
      return deny(401, 'missing_token', 'Send the token as Authorization: Bearer <token>.');
    case 'unknown':
      return deny(401, 'invalid_token', 'The bearer token is not valid (not an admin, viewer or node token); it may have been rotated.');
  }
}

function deny(status: 401 | 403, reason: DenyReason, message: string): Access {
  return { allowed: false, status, reason, message };
}

/** The path of a request target, without its query. */
export function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** The node id of `POST /heartbeat/<id>` (decoded as the router decodes it), or undefined for any other request. */
export function heartbeatTarget(method: string, path: string): string | undefined {
  if (method !== 'POST') return undefined;
  const match = /^\/heartbeat\/([^/]+)\/?$/.exec(path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}
