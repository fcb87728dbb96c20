import { CdnError, NodeRegistration, nodeLoadSchema, validateRegistration } from '@cdn/shared';
import { EMPTY_BODY } from '../http/read-json-body';

/** Checks a `POST /register_node` body, naming every bad or missing field in one answer. */
export function parseRegistration(body: unknown): NodeRegistration {
  const result = validateRegistration(body === EMPTY_BODY ? undefined : body);
  if (result.ok) return result.value;
  const summary = Object.entries(result.fields)
    .map(([field, problem]) => `${field} ${problem}`)
    .join('; ');
  throw new CdnError('invalid_node', `Invalid node registration: ${summary}`, { fields: result.fields });
}

/** Checks the optional `POST /heartbeat/<id>` body `{"current_load": n}`; returns the load when given. */
export function parseHeartbeat(body: unknown): number | undefined {
  if (body === EMPTY_BODY) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CdnError('invalid_request', 'Invalid heartbeat: the body must be empty or a JSON object like {"current_load": 3}', {
      fields: { body: 'must be empty or a JSON object' },
    });
  }
  const load = (body as Record<string, unknown>).current_load;
  if (load === undefined) return undefined;
  // Bounded: loads are summed and divided by capacities on every pick, and 1e308 would overflow them.
  const checked = nodeLoadSchema.safeParse(load);
  if (checked.success) return checked.data;
  const problem = checked.error.issues[0].message;
  throw new CdnError('invalid_request', `Invalid heartbeat: current_load ${problem}`, { fields: { current_load: problem } });
}
