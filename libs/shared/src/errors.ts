/** The one catalogue of errors the system answers with: a stable code, an HTTP status and what to do. */
export const ERRORS = {
  bad_request: { status: 400, message: 'The request is not valid HTTP/1.1.' },
  invalid_path: { status: 400, message: 'The request path has a malformed percent-encoding: "%" must be followed by two hexadecimal digits.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_node: { status: 400, message: 'The node registration is incomplete or malformed.' },
  invalid_request: { status: 400, message: 'The request is malformed.' },
  unauthorized: { status: 401, message: 'Send a valid token: Authorization: Bearer <token>.' },
  forbidden: { status: 403, message: 'This credential or origin may not do this.' },
  node_not_found: { status: 404, message: 'No node is registered with this id.' },
  not_found: { status: 404, message: 'No such endpoint.' },
  operation_not_found: { status: 404, message: 'No cache operation with this id (operations are kept for one hour).' },
  method_not_allowed: { status: 405, message: 'This endpoint does not accept this method.' },
  request_timeout: { status: 408, message: 'The request headers did not arrive in time (--header-timeout).' },
  too_many_nodes: { status: 409, message: 'As many nodes are registered as --max-nodes allows; deregister one or raise --max-nodes.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  uri_too_long: { status: 414, message: 'The request URL is longer than 8 KiB.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  headers_too_large: { status: 431, message: 'The request line and headers are larger than --max-header-size.' },
  internal_error: { status: 500, message: 'An unexpected error occurred; see the log.' },
  upstream_unreachable: { status: 502, message: 'Failed to forward request to the chosen node.' },
  no_active_node: { status: 503, message: 'No active CDN node can serve this request; register a node or send a heartbeat.' },
  not_ready: { status: 503, message: 'No routing table has been received yet.' },
  state_not_writable: { status: 503, message: 'The node state cannot be saved, so the change was not made; see /readyz and the log.' },
  state_not_loaded: { status: 503, message: 'The saved node state could not be loaded; fix the nodes file and restart, or restart with --reset-config.' },
  too_many_clients: { status: 503, message: 'As many dashboards are connected as the control plane serves; close one and retry.' },
  bus_unavailable: { status: 503, message: 'The message bus (NATS) is not connected, so the command cannot reach the edges; nothing was sent.' },
  upstream_timeout: { status: 504, message: 'The chosen node did not answer in time.' },
  not_cached: { status: 504, message: 'The request allows only a cached answer (only-if-cached) and none is stored.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The JSON body of every 4xx/5xx answer. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

export function errorBody(code: ErrorCode, message?: string, details?: Record<string, unknown>): ErrorBody {
  return { error: code, message: message ?? ERRORS[code].message, ...details };
}

/** An error that carries its catalogue code; thrown by services and turned into a JSON answer at the HTTP edge. */
export class CdnError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message ?? ERRORS[code].message, options);
    this.status = ERRORS[code].status;
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message, this.details);
  }
}
