import { z } from 'zod';

/** A node id: safe in URLs, file names, log lines and NATS subjects once encoded. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an absolute http:// or https:// URL');

/** The body of `POST /register_node`. */
export const nodeRegistrationSchema = z.object({
  id: z.string({ error: 'is required' }).regex(NODE_ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 . _ -'),
  url: z.string({ error: 'is required' }).pipe(httpUrl),
  location: z.string({ error: 'is required' }).trim().min(1, 'must not be empty'),
  capacity: z.number({ error: 'is required and must be a number' }).finite().positive('must be a positive number'),
  heartbeat_interval: z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer').optional(),
  /** Coordinates for nearest-first routing (optional; `location` may also be a region path such as "CN/Beijing"). */
  lat: z.number({ error: 'must be a number from -90 to 90' }).min(-90, 'must be from -90 to 90').max(90, 'must be from -90 to 90').optional(),
  lon: z.number({ error: 'must be a number from -180 to 180' }).min(-180, 'must be from -180 to 180').max(180, 'must be from -180 to 180').optional(),
});

export type NodeRegistration = z.infer<typeof nodeRegistrationSchema>;

/** A node as the seed saves it in cdn_nodes.json (keyed by id). */
export interface StoredNode {
  url: string;
  location: string;
  capacity: number;
  heartbeat_interval: number;
  last_heartbeat: string;
  is_active: boolean;
  fail_count: number;
  current_load: number;
  /** Only when an operator drained the node (PATCH /nodes/<id>): it survives restarts. Absent in the seed's files. */
  state?: 'draining';
  /** Registered coordinates, when the node gave them. */
  lat?: number;
  lon?: number;
}

export const storedNodeSchema = z.object({
  url: z.string().pipe(httpUrl),
  location: z.string().min(1),
  capacity: z.number().positive(),
  heartbeat_interval: z.number().int().positive(),
  last_heartbeat: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time'),
  is_active: z.boolean(),
  fail_count: z.number().int().nonnegative(),
  current_load: z.number().nonnegative(),
  state: z.literal('draining').optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
});

/** The contents of cdn_nodes.json. */
export const storedNodesSchema = z.record(z.string().regex(NODE_ID_PATTERN), storedNodeSchema);

export const DEFAULT_HEARTBEAT_INTERVAL = 10;

/**
 * Names every bad or missing field of a registration, e.g. `{ capacity: "must be a positive number" }`.
 * Returns the registration when it is valid.
 */
export function validateRegistration(body: unknown): { ok: true; value: NodeRegistration } | { ok: false; fields: Record<string, string> } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, fields: { body: 'must be a JSON object with id, url, location and capacity' } };
  }
  const result = nodeRegistrationSchema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'body');
    fields[field] ??= issue.message;
  }
  return { ok: false, fields };
}
