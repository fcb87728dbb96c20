import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { CdnConfig, ErrorCode, errorBody, Logger, printable } from '@cdn/shared';
import { Counter, Registry } from 'prom-client';
import { CDN_CONFIG, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { requestIdOf } from '../http/request-id';
import { NodeRegistry } from '../nodes/node-registry';
import { Credential, decideAccess, DenyReason, heartbeatTarget, isOpenPath, pathOf } from './access-policy';
import { bearerToken } from './bearer-token';
import { declaresBody, isJsonMediaType } from './json-media-type';
import { checkOrigin, corsHeaders, isPreflight, preflightHeaders } from './origin-policy';
import { sameHash, sha256 } from './token-hash';
import { TokenStore } from './token-store';

/** Why a request was refused, as counted in cdn_cp_admin_requests_denied_total{reason}. */
type Refusal = 'origin' | DenyReason | 'media_type';

/** Methods whose bodies the admin API reads. */
const BODY_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every admin request passes here before routing, in this order: open paths (probes, metrics) go
 * straight through; a browser origin not in --admin-cors-origin is refused (403) and an allowed one's
 * preflight answered; then the bearer token is checked when tokens are configured (401, or 403 for a
 * token that may not do this); then a body must be JSON (415). A refusal answers at once, so nothing
 * behind the gate runs for it. Tokens are never logged.
 */
@Injectable()
export class AdminGate {
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly denied: Counter<'reason'>;
  private readonly allowed: Counter<'credential'>;
  private readonly preflights: Counter;

  constructor(
    private readonly tokens: TokenStore,
    private readonly nodes: NodeRegistry,
    @Inject(CDN_CONFIG) config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.allowedOrigins = new Set(config.adminCorsOrigins);
    this.denied = new Counter({ name: 'cdn_cp_admin_requests_denied_total', help: 'Admin API requests refused before they ran, by reason', labelNames: ['reason'], registers: [metrics] });
    this.allowed = new Counter({
      name: 'cdn_cp_admin_requests_allowed_total',
      help: 'Admin API requests let through, by the credential that allowed them (none: no tokens configured)',
      labelNames: ['credential'],
      registers: [metrics],
    });
    this.preflights = new Counter({ name: 'cdn_cp_admin_cors_preflights_total', help: 'CORS preflight requests answered for allowed origins', registers: [metrics] });
  }

  /** Express-style middleware: calls `next` when the request may go on, answers it otherwise. */
  readonly handle = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const path = pathOf(req.url);
    if (isOpenPath(path)) return next();
    const method = req.method ?? 'GET';
    // Answers differ by Origin (CORS headers or a refusal): a cache between must key on it.
    res.setHeader('vary', 'Origin');

    const origin = checkOrigin(req.headers.origin, this.allowedOrigins, req.headers.host);
    if (origin.kind === 'refused') {
      const why = `Origin ${JSON.stringify(printable(origin.origin))} is not allowed by --admin-cors-origin`;
      return this.refuse(req, res, path, 403, 'forbidden', 'origin', why, `Requests from the browser origin ${origin.origin} are not accepted; an operator can allow it with --admin-cors-origin.`);
    }
    if (origin.kind === 'allowed') {
      if (isPreflight(method, req.headers)) {
        this.preflights.inc();
        this.logger.debug(`Answered the CORS preflight of ${origin.origin} for ${printable(req.headers['access-control-request-method'] ?? '', 20)} ${printable(path)}`);
        res.writeHead(204, preflightHeaders(origin.origin));
        res.end();
        return;
      }
      for (const [name, value] of Object.entries(corsHeaders(origin.origin))) res.setHeader(name, value);
    }

    let allowedAs: 'none' | 'admin' | 'viewer' | 'node' = 'none';
    if (this.tokens.enabled) {
      const heartbeatOf = heartbeatTarget(method, path);
      const presented = this.credential(req.headers.authorization, heartbeatOf);
      const access = decideAccess({ method, heartbeatOf, credential: presented });
      if (!access.allowed) {
        const challenge = presented.kind === 'unknown' ? 'Bearer realm="cdn-admin", error="invalid_token"' : access.status === 403 ? 'Bearer realm="cdn-admin", error="insufficient_scope"' : 'Bearer realm="cdn-admin"';
        return this.refuse(req, res, path, access.status, access.status === 401 ? 'unauthorized' : 'forbidden', access.reason, access.message, access.message, { 'www-authenticate': challenge });
      }
      allowedAs = access.as;
    }

    if (BODY_METHODS.has(method) && declaresBody(req.headers) && !isJsonMediaType(req.headers['content-type'])) {
      const sent = req.headers['content-type'] === undefined ? 'no Content-Type' : `Content-Type ${JSON.stringify(printable(req.headers['content-type']))}`;
      const message = `Send the body as JSON with Content-Type: application/json (curl -H "Content-Type: application/json"); it came with ${sent}.`;
      return this.refuse(req, res, path, 415, 'unsupported_media_type', 'media_type', `the body was sent with ${sent}`, message);
    }

    this.allowed.inc({ credential: allowedAs });
    next();
  };

  /** What the Authorization header holds. A node token is looked up by its hash; the heartbeat's own node is compared in constant time. */
  private credential(header: string | undefined, heartbeatOf: string | undefined): Credential {
    const token = bearerToken(header);
    if (token === undefined) return { kind: 'none' };
    if (token === null) return { kind: 'malformed' };
    const role = this.tokens.roleOf(token);
    if (role) return { kind: role };
    const hash = sha256(token);
    const target = heartbeatOf === undefined ? undefined : this.nodes.get(heartbeatOf);
    if (target?.tokenSha256 && sameHash(hash, target.tokenSha256)) return { kind: 'node', nodeId: target.id };
    const owner = this.nodes.nodeWithTokenHash(hash.toString('hex'));
    return owner === undefined ? { kind: 'unknown' } : { kind: 'node', nodeId: owner };
  }

  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    code: ErrorCode,
    reason: Refusal,
    /** For the log line: may quote what the client sent, made printable. */
    why: string,
    /** For the client. */
    message: string,
    headers: Record<string, string> = {},
  ): void {
    this.denied.inc({ reason });
    this.logger.warn({ request_id: requestIdOf(req) }, `Refused ${req.method} ${printable(path)} from ${req.socket.remoteAddress ?? 'unknown'}: ${why} (${status} ${reason})`);
    const text = JSON.stringify(errorBody(code, message));
    // An unread body is not worth keeping the connection for.
    const close = declaresBody(req.headers) ? { connection: 'close' } : {};
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers, ...close });
    res.end(text);
  }
}
