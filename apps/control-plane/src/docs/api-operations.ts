import { nodeIdSchema, nodeRegistrationSchema, type ErrorCode } from '@cdn/shared';
import { z } from 'zod';
import { purgeRequestSchema, warmRequestSchema } from '../cache/cache-request';
import { nodeStateChangeSchema } from '../nodes/drain-request';
import { heartbeatSchema } from '../nodes/registration';
import * as answers from './answer-schemas';
import { DOCS_ASSET_NAMES } from './docs-assets';

/**
 * Who may call an operation when tokens are configured (without any token option the whole admin API is open):
 * `open` always; `read` an admin or viewer token; `write` an admin token; `heartbeat` an admin token or the node's own.
 */
export type Access = 'open' | 'read' | 'write' | 'heartbeat';

/** A request body: the very zod schema that validates it, and the name it has in the document's components. */
export interface RequestBody {
  name: string;
  schema: z.ZodType;
  required: boolean;
}

export interface ApiOperation {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** OpenAPI form: `/nodes/{id}`. */
  path: string;
  tag: 'nodes' | 'cache' | 'cluster' | 'stats' | 'probes' | 'dashboard' | 'docs';
  summary: string;
  description?: string;
  access: Access;
  params?: Record<string, { description: string; schema: z.ZodType }>;
  body?: RequestBody;
  answer: { status: 200 | 202; description: string; schema?: z.ZodType; mediaType?: string };
  /** The catalogue codes this operation itself may answer; those every admin call shares are added by access (see error-responses.ts). */
  errors: ErrorCode[];
}

const nodeId = { id: { description: 'the node id', schema: nodeIdSchema } };
/** Answers of changes that must be saved before they take effect. */
const saved: ErrorCode[] = ['state_not_writable', 'state_not_loaded'];

/** Every endpoint of the admin API. A route the control plane registers without an entry here fails api-coverage.spec.ts. */
export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/register_node',
    tag: 'nodes',
    summary: 'Register a node, or update it',
    description: 'An existing id is updated (and keeps its token). Beyond --max-nodes a new node gets 409; a url outside --node-url-allow gets 400 invalid_node naming `url`.',
    access: 'write',
    body: { name: 'NodeRegistration', schema: nodeRegistrationSchema, required: true },
    answer: { status: 200, description: 'Registered', schema: answers.registerAnswer },
    errors: ['invalid_node', 'too_many_nodes', ...saved],
  },
  {
    method: 'post',
    path: '/heartbeat/{id}',
    tag: 'nodes',
    summary: "Record a node's heartbeat",
    description: 'A node silent for --node-timeout seconds becomes inactive. The body is optional.',
    access: 'heartbeat',
    params: nodeId,
    body: { name: 'Heartbeat', schema: heartbeatSchema, required: false },
    answer: { status: 200, description: 'Recorded', schema: answers.statusAnswer('Heartbeat received') },
    errors: ['node_not_found', 'invalid_request', ...saved],
  },
  { method: 'get', path: '/nodes', tag: 'nodes', summary: 'List the nodes (the seed\'s shape)', access: 'read', answer: { status: 200, description: 'Every node, in registration order', schema: answers.nodesAnswer }, errors: [] },
  {
    method: 'get',
    path: '/nodes/{id}',
    tag: 'nodes',
    summary: 'One node, and why it has its status',
    access: 'read',
    params: nodeId,
    answer: { status: 200, description: 'The node with its health explanation', schema: answers.nodeDetailSchema },
    errors: ['node_not_found'],
  },
  {
    method: 'patch',
    path: '/nodes/{id}',
    tag: 'nodes',
    summary: 'Drain a node, or undo the drain',
    description: 'A drain is saved and survives restarts; requests in flight finish.',
    access: 'write',
    params: nodeId,
    body: { name: 'NodeStateChange', schema: nodeStateChangeSchema, required: true },
    answer: { status: 200, description: 'The node as it is now', schema: answers.nodeDetailSchema },
    errors: ['node_not_found', 'invalid_request', ...saved],
  },
  {
    method: 'delete',
    path: '/nodes/{id}',
    tag: 'nodes',
    summary: 'Deregister a node',
    access: 'write',
    params: nodeId,
    answer: { status: 200, description: 'Deregistered', schema: answers.statusAnswer('Node deregistered successfully') },
    errors: ['node_not_found', ...saved],
  },
  {
    method: 'post',
    path: '/nodes/{id}/token',
    tag: 'nodes',
    summary: "Issue a new token for the node's heartbeats",
    description: 'The previous token stops working at once. Only the SHA-256 of the token is kept: it is shown once.',
    access: 'write',
    params: nodeId,
    answer: { status: 200, description: 'The new token', schema: answers.nodeTokenAnswer },
    errors: ['node_not_found', ...saved],
  },
  {
    method: 'post',
    path: '/toggle_cache',
    tag: 'cache',
    summary: 'Switch caching off or on, on every edge',
    access: 'write',
    answer: { status: 200, description: 'The new state', schema: z.object({ status: z.enum(['Cache is now enabled', 'Cache is now disabled']) }) },
    errors: ['state_not_writable'],
  },
  {
    method: 'post',
    path: '/cache/purge',
    tag: 'cache',
    summary: 'Purge entries from every edge and the shared tier',
    description: 'Answers at once; GET /operations/{id} follows the edges\' receipts. The body may be up to 1 MiB.',
    access: 'write',
    body: { name: 'CachePurge', schema: purgeRequestSchema, required: true },
    answer: { status: 202, description: 'Accepted and saved; on its way to every edge', schema: answers.operationAccepted },
    errors: ['invalid_request', 'bus_unavailable', 'state_not_writable'],
  },
  {
    method: 'post',
    path: '/cache/warm',
    tag: 'cache',
    summary: "Fetch URLs into every edge's cache",
    description: 'At most --warm-concurrency requests per node per edge; a failed fetch is listed in the receipt. The body may be up to 1 MiB.',
    access: 'write',
    body: { name: 'CacheWarm', schema: warmRequestSchema, required: true },
    answer: { status: 202, description: 'Accepted and saved; on its way to every edge', schema: answers.operationAccepted },
    errors: ['invalid_request', 'bus_unavailable', 'state_not_writable'],
  },
  {
    method: 'get',
    path: '/operations/{id}',
    tag: 'cache',
    summary: 'The receipts of a purge or warm',
    access: 'read',
    params: { id: { description: 'the operation_id a purge or warm answered', schema: z.string() } },
    answer: { status: 200, description: "The operation and every edge's receipt", schema: answers.operationAnswer },
    errors: ['operation_not_found'],
  },
  { method: 'get', path: '/edges', tag: 'cluster', summary: "Each edge's applied routing revision and lag", access: 'read', answer: { status: 200, description: 'The edges heard from', schema: answers.edgesAnswer }, errors: [] },
  { method: 'get', path: '/cluster', tag: 'cluster', summary: 'This replica, the leader and the replicas heard from lately', access: 'read', answer: { status: 200, description: 'The replicas', schema: answers.clusterAnswer }, errors: [] },
  {
    method: 'get',
    path: '/stats',
    tag: 'stats',
    summary: 'Requests, hit ratio, bytes, errors and latency over the last 1 min, 5 min and 1 h',
    description: 'In total, per node and per edge, from what the edges report; with a 5-minute series in 5-second points.',
    access: 'read',
    answer: { status: 200, description: 'The windows and the series', schema: answers.statsAnswer },
    errors: [],
  },
  { method: 'get', path: '/healthz', tag: 'probes', summary: 'Liveness', access: 'open', answer: { status: 200, description: 'The process runs', schema: answers.healthzAnswer }, errors: [] },
  {
    method: 'get',
    path: '/readyz',
    tag: 'probes',
    summary: 'Readiness, with every reason when not ready',
    access: 'open',
    answer: { status: 200, description: 'Ready', schema: answers.readyAnswer },
    errors: ['not_ready'],
  },
  { method: 'get', path: '/metrics', tag: 'probes', summary: 'Prometheus metrics', access: 'open', answer: { status: 200, description: 'The Prometheus text format', mediaType: 'text/plain; version=0.0.4' }, errors: [] },
  { method: 'get', path: '/dashboard', tag: 'dashboard', summary: "The operators' live page", description: 'Open like its files (they hold no data); the page asks for a token when tokens are configured.', access: 'open', answer: { status: 200, description: 'An HTML page that follows GET /dashboard/events', mediaType: 'text/html' }, errors: [] },
  {
    method: 'get',
    path: '/dashboard/assets/{file}',
    tag: 'dashboard',
    summary: "The dashboard's scripts, style sheet and icon",
    access: 'open',
    params: { file: { description: 'one of the files the page loads', schema: z.string().regex(/^[a-z0-9-]+\.(js|css|svg)$/) } },
    answer: { status: 200, description: 'The file' },
    errors: ['not_found'],
  },
  {
    method: 'get',
    path: '/dashboard/events',
    tag: 'dashboard',
    summary: "The dashboard's live data, as server-sent events",
    description:
      'A `snapshot` event (summary, nodes, edges, traffic), then `node_changes` (rows that changed, heartbeat times, removed ids), `summary`, `edges` and `stats` as they change, the whole `nodes` table every 10 s, and a comment line after 15 s of silence. At most 64 streams at once.',
    access: 'read',
    answer: { status: 200, description: 'A stream that does not end', mediaType: 'text/event-stream' },
    errors: ['too_many_clients'],
  },
  { method: 'get', path: '/docs', tag: 'docs', summary: 'This documentation, as a page', access: 'open', answer: { status: 200, description: 'An HTML page that renders /docs-json', mediaType: 'text/html' }, errors: [] },
  { method: 'get', path: '/docs-json', tag: 'docs', summary: 'This documentation (OpenAPI 3.1)', access: 'open', answer: { status: 200, description: 'The OpenAPI document', mediaType: 'application/json' }, errors: [] },
  {
    method: 'get',
    path: '/docs/{asset}',
    tag: 'docs',
    summary: "The documentation page's scripts, styles and icons",
    access: 'open',
    params: { asset: { description: 'one of the files the page loads', schema: z.enum(DOCS_ASSET_NAMES) } },
    answer: { status: 200, description: 'The file' },
    errors: ['not_found'],
  },
];
