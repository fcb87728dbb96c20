import { z } from 'zod';
import { checkNodeUrl, CONTROL_CHARACTERS } from './node-url';

/** A node id: safe in URLs, file names, log lines and NATS subjects once encoded. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Capacities are weights: bounded so that the weighted choice's sums stay exact. */
export const MAX_NODE_CAPACITY = 1_000_000;
/** A heartbeat's `current_load`, bounded for the same reason (loads are summed and divided by capacity). */
export const MAX_NODE_LOAD = 1_000_000_000;
export const MAX_LOCATION_LENGTH = 256;
/** A day: a node that promises fewer heartbeats than that is not being monitored. */
export const MAX_HEARTBEAT_INTERVAL = 86_400;

/**
 * Whether an id names a property every plain object has (`__proto__`, `constructor`, `toString`...):
 * such a key in a plain object reads the prototype's value or, for `__proto__`, is never stored at all.
 */
export function isObjectPrototypeName(id: string): boolean {
  return Object.hasOwn(Object.prototype, id);
}

/**
 * The fields of a node, shared by registration, the nodes file and the routing table: one definition of
 * what is valid, so that nothing one accepts is refused by another.
 */
export const nodeIdSchema = z
  .string({ error: 'is required' })
  .regex(NODE_ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')
  .refine((id) => id !== '.' && id !== '..', 'must not be "." or "..": they cannot be addressed in a URL path')
  .refine((id) => !isObjectPrototypeName(id), 'is reserved: names of JavaScript object properties such as __proto__, constructor or toString cannot be node ids');

/** An absolute http(s) URL without credentials, query or fragment, returned canonical (see checkNodeUrl). */
export const nodeUrlSchema = z.string({ error: 'is required' }).transform((raw, ctx) => {
  const result = checkNodeUrl(raw);
  if (result.ok) return result.url;
  ctx.addIssue({ code: 'custom', message: result.problem });
  return z.NEVER;
});

export const nodeLocationSchema = z
  .string({ error: 'is required' })
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters (line breaks, tabs, C0/C1 controls)')
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_LOCATION_LENGTH, `must be at most ${MAX_LOCATION_LENGTH} characters`);

export const nodeCapacitySchema = z
  .number({ error: 'is required and must be a number' })
  .positive('must be a positive number')
  .max(MAX_NODE_CAPACITY, `must be a positive number up to ${MAX_NODE_CAPACITY}`);

export const nodeLoadSchema = z
  .number({ error: 'must be a non-negative number' })
  .nonnegative('must be a non-negative number')
  .max(MAX_NODE_LOAD, `must be a non-negative number up to ${MAX_NODE_LOAD}`);

const heartbeatIntervalSchema = z
  .number({ error: 'must be a positive integer' })
  .int('must be a positive integer')
  .positive('must be a positive integer')
  .max(MAX_HEARTBEAT_INTERVAL, `must be a positive integer up to ${MAX_HEARTBEAT_INTERVAL}`);

const latitudeSchema = z.number({ error: 'must be a number from -90 to 90' }).min(-90, 'must be from -90 to 90').max(90, 'must be from -90 to 90');
const longitudeSchema = z.number({ error: 'must be a number from -180 to 180' }).min(-180, 'must be from -180 to 180').max(180, 'must be from -180 to 180');

export const DEFAULT_HEARTBEAT_INTERVAL = 10;

/** The body of `POST /register_node` (the API documentation shows this very schema). */
export const nodeRegistrationSchema = z
  .object({
    id: nodeIdSchema.describe('1-64 characters of A-Z a-z 0-9 . _ - (not "." or "..", nor a JavaScript property name such as __proto__)'),
    url: nodeUrlSchema.describe('absolute http:// or https:// URL of at most 2048 characters, without credentials, query or fragment, written as URL parsers read it'),
    location: nodeLocationSchema.describe('a name such as Beijing, or a region path such as CN/Beijing (no control characters)'),
    capacity: nodeCapacitySchema.describe('a weight: the share of traffic the node takes'),
    heartbeat_interval: heartbeatIntervalSchema.optional().describe(`seconds between the node's heartbeats (default ${DEFAULT_HEARTBEAT_INTERVAL})`),
    /** Coordinates for nearest-first routing (optional; `location` may also be a region path such as "CN/Beijing"). */
    lat: latitudeSchema.optional().describe('latitude, for nearest-first routing'),
    lon: longitudeSchema.optional().describe('longitude, for nearest-first routing'),
  })
  .meta({
    description: 'A node to register, or to update when its id is known.',
    examples: [
      { id: 'node1', url: 'http://cdn1.example.com', location: 'Beijing', capacity: 100, heartbeat_interval: 10 },
      { id: 'node2', url: 'https://10.0.0.12:8443', location: 'CN/Shanghai', capacity: 50, lat: 31.23, lon: 121.47 },
    ],
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
  /** SHA-256 (hex) of the node's own token, when it has one: the token itself is never stored. */
  token_sha256?: string;
}

export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export const storedNodeSchema = z.object({
  url: nodeUrlSchema,
  location: nodeLocationSchema,
  capacity: nodeCapacitySchema,
  heartbeat_interval: heartbeatIntervalSchema,
  last_heartbeat: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 time'),
  is_active: z.boolean(),
  fail_count: z.number().int().nonnegative(),
  current_load: nodeLoadSchema,
  state: z.literal('draining').optional(),
  lat: latitudeSchema.optional(),
  lon: longitudeSchema.optional(),
  token_sha256: z.string().regex(SHA256_HEX_PATTERN, 'must be 64 lower-case hex digits').optional(),
});

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
  return { ok: false, fields: firstIssuePerField(result.error) };
}

/** The first problem of each top-level field, e.g. `{ url: "must be an absolute http:// or https:// URL" }`. */
export function firstIssuePerField(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'body');
    fields[field] ??= issue.message;
  }
  return fields;
}
