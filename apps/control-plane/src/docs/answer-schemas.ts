import { NODE_STATUSES } from '@cdn/shared';
import { z } from 'zod';

/**
 * The success answers of the admin API, for its documentation. The controllers keep their own types;
 * answers-match.spec.ts proves each type equals the schema here, and the end-to-end test checks real
 * answers against these schemas, so neither can drift from what is sent.
 */

const time = z.string().describe('ISO-8601 time');
const status = z.enum(NODE_STATUSES);

/** `{"status": "<text>"}`, the seed's answers, with the exact text as the only value. */
export const statusAnswer = (text: string) => z.object({ status: z.literal(text) });

export const registerAnswer = z.object({
  status: z.literal('Node registered successfully'),
  node_token: z.string().optional().describe("the node's own token for its heartbeats: only for a new node, and only when admin tokens are configured; shown once"),
});

export const nodeTokenAnswer = z.object({ status: z.literal('Node token issued'), id: z.string(), node_token: z.string().describe('the new token; the previous one stops working at once') });

export const nodeViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  location: z.string(),
  capacity: z.number(),
  current_load: z.number().describe("live load: the heartbeat's load plus the requests every live edge has in flight to the node"),
  status,
  last_heartbeat: time,
});

export const nodesAnswer = z.object({ nodes: z.array(nodeViewSchema) });

export const healthViewSchema = z.object({
  status,
  reason: z.string().describe('why the node has this status, in words'),
  since: time,
  probe: z.object({ last_result: z.string().nullable(), last_at: time.nullable(), consecutive_failures: z.number(), consecutive_successes: z.number() }),
  heartbeat: z.object({ last: time, age_seconds: z.number() }),
  passive: z.object({ edges_reporting_errors: z.number(), edges_live: z.number(), last_error: z.string().nullable() }),
  transitions: z.array(z.object({ at: time, from: status, to: status, reason: z.string() })),
});

export const nodeDetailSchema = nodeViewSchema.extend({
  heartbeat_interval: z.number(),
  fail_count: z.number(),
  lat: z.number().optional(),
  lon: z.number().optional(),
  health: healthViewSchema,
});

export const edgeViewSchema = z.object({
  id: z.string(),
  revision: z.number().describe('the routing revision this edge applied'),
  lag: z.number().describe('revisions behind the latest'),
  table_source: z.enum(['live', 'saved']).describe("live: from the routing bucket; saved: from the edge's --state-dir, because it cannot read the bucket (yet)"),
  table_saved_at: time.optional(),
  last_report: time,
  seconds_since_report: z.number(),
  status: z.enum(['live', 'lost']).describe('lost after about 10 s without a report'),
  started_at: time,
  address: z.string().optional(),
});

export const edgesAnswer = z.object({ revision: z.number().describe('the latest routing revision'), edges: z.array(edgeViewSchema) });

export const clusterAnswer = z.object({
  self: z.string().describe('this replica'),
  leader: z.string().nullable(),
  replicas: z.array(z.object({ id: z.string(), role: z.enum(['leader', 'follower']), last_seen: time })),
  lease_expires_at: time.nullable().describe("when the leader's lease runs out unless renewed; null with one control plane"),
});

export const operationAccepted = z.object({ operation_id: z.string().describe('GET /operations/{id} shows its progress') });

const purgeDone = z.object({ urls: z.array(z.string()), prefixes: z.array(z.string()), tags: z.array(z.string()), soft: z.boolean() });
const warmDone = z.object({ urls: z.array(z.string()) });

export const operationAnswer = z.object({
  operation_id: z.string(),
  type: z.enum(['purge', 'warm']),
  created_at: time,
  complete: z.boolean().describe('every edge that was live when it started has answered, or was lost'),
  completed_at: time.nullable(),
  request: z.union([purgeDone, warmDone]).describe('the request, normalised as edges key their entries'),
  shared_tier_by: z.string().nullable().optional().describe('the edge that purged the shared tier'),
  expected_edges: z.array(z.string()),
  pending_edges: z.array(z.string()),
  lost_edges: z.array(z.string()).describe('expected edges lost before they answered'),
  sends: z.number().describe('how many times the command went out'),
  receipts: z.array(z.object({ edge: z.string(), applied: z.boolean(), entries_affected: z.number(), errors: z.array(z.string()), finished_at: time })),
  warnings: z.array(z.string()),
});

export const healthzAnswer = z.object({ status: z.literal('ok') });
export const readyAnswer = z.object({ status: z.literal('ready') });

const stats = z.object({
  requests: z.number(),
  requests_per_second: z.number(),
  hits: z.number().describe('answers from the cache: X-Cache HIT, STALE or REVALIDATED'),
  hit_ratio: z.number().nullable().describe('null without requests'),
  bytes_sent: z.number(),
  bytes_received: z.number(),
  errors: z.number().describe('5xx answers to clients'),
  error_ratio: z.number().nullable(),
  latency_ms: z.object({ p50: z.number().nullable(), p90: z.number().nullable(), p99: z.number().nullable() }).describe('each null without requests'),
});
const statsWindow = z.object({ total: stats, nodes: z.record(z.string(), stats), edges: z.record(z.string(), stats) });

export const statsAnswer = z.object({
  generated_at: time,
  windows: z.object({ '1m': statsWindow, '5m': statsWindow, '1h': statsWindow }),
  series: z.object({
    interval_seconds: z.number(),
    points: z.array(z.object({ t: time, requests: z.number(), hits: z.number(), bytes_sent: z.number(), errors: z.number(), p50_ms: z.number().nullable(), p99_ms: z.number().nullable() })),
  }),
});
