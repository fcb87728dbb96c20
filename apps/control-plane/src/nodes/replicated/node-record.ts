import { NODE_STATUSES, storedNodeSchema } from '@cdn/shared';
import { z } from 'zod';
import { initialHealth, MAX_TRANSITIONS, type NodeHealth } from '../../health/node-health';
import { type NodeState, toStoredNode, fromStoredNode } from '../node-state';

const transitionSchema = z.object({ at: z.number(), from: z.enum(NODE_STATUSES), to: z.enum(NODE_STATUSES), reason: z.string() });

/**
 * What the node bucket keeps of a node: its saved fields in the seed's format, and the part of its health a
 * new leader resumes from (status, why, since when, drain, late heartbeat, probe verdict, edges' suspicion,
 * recent transitions). Probe counters and edges' live signals are the leader's own observations: they
 * change with every probe round and are rebuilt by whichever replica leads.
 */
const nodeRecordSchema = storedNodeSchema.extend({
  health: z.object({
    status: z.enum(NODE_STATUSES),
    since: z.number(),
    reason: z.string(),
    drained: z.boolean(),
    heartbeat_late: z.boolean(),
    probe_verdict: z.enum(['up', 'down']),
    suspicion: z.object({ last_error: z.string().optional(), confirmations: z.number().int().nonnegative() }).optional(),
    transitions: z.array(transitionSchema).max(MAX_TRANSITIONS),
  }),
});

type NodeRecord = z.infer<typeof nodeRecordSchema>;

/** The bucket value of `node`. Two nodes that encode alike need no write between them. */
export function encodeNode(node: NodeState): string {
  const { health } = node;
  const record: NodeRecord = {
    ...toStoredNode(node),
    health: {
      status: health.status,
      since: health.since,
      reason: health.reason,
      drained: health.drained,
      heartbeat_late: health.heartbeatLate,
      probe_verdict: health.probe.verdict,
      ...(health.suspicion ? { suspicion: { ...(health.suspicion.lastError !== undefined ? { last_error: health.suspicion.lastError } : {}), confirmations: health.suspicion.confirmations } } : {}),
      transitions: health.transitions,
    },
  };
  return JSON.stringify(record);
}

/**
 * The node a bucket value describes, keeping what this replica observed of it before (probe counters, edge
 * signals); an error message when the value is not a node record (written by something else).
 */
export function decodeNode(id: string, text: string, before: NodeState | undefined, now: number): NodeState | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const parsed = nodeRecordSchema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ');
  const { health: saved, ...stored } = parsed.data;
  const base = fromStoredNode(id, stored, now);
  const observed = before?.health ?? initialHealth(now);
  const health: NodeHealth = {
    status: saved.status,
    since: saved.since,
    reason: saved.reason,
    drained: saved.drained,
    heartbeatLate: saved.heartbeat_late,
    probe: { ...observed.probe, verdict: saved.probe_verdict },
    passive: observed.passive,
    ...(saved.suspicion ? { suspicion: { ...(saved.suspicion.last_error !== undefined ? { lastError: saved.suspicion.last_error } : {}), confirmations: saved.suspicion.confirmations } } : {}),
    transitions: saved.transitions,
  };
  return { ...base, health };
}
