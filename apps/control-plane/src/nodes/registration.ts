import { CdnError, NodeRegistration, validateRegistration } from '@cdn/shared';
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
  if (typeof load !== 'number' || !Number.isFinite(load) || load < 0) {
    throw new CdnError('invalid_request', 'Invalid heartbeat: current_load must be a non-negative number', {
      fields: { current_load: 'must be a non-negative number' },
    });
  }
  return load;
}
