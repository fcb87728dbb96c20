import { CdnError, NodeRegistration, nodeLoadSchema, validateRegistration } from '@cdn/shared';
import { z } from 'zod';
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

/**
 * The optional body of `POST /heartbeat/<id>` (an empty body is a plain heartbeat). Other fields are
 * ignored, as the seed ignored the whole body. The API documentation shows this very schema.
 */
export const heartbeatSchema = z
  .object(
    {
      // Bounded: loads are summed and divided by capacities on every pick, and 1e308 would overflow them.
      current_load: nodeLoadSchema.optional().describe("the node's own load (for example its open connections); edges add the requests they have in flight to it"),
    },
    { error: 'must be empty or a JSON object' },
  )
  .meta({ description: 'Optional: send no body for a plain heartbeat.', examples: [{ current_load: 3 }] });

/** Checks the optional `POST /heartbeat/<id>` body `{"current_load": n}`; returns the load when given. */
export function parseHeartbeat(body: unknown): number | undefined {
  if (body === EMPTY_BODY) return undefined;
  const checked = heartbeatSchema.safeParse(body);
  if (checked.success) return checked.data.current_load;
  const issue = checked.error.issues[0];
  if (issue.path.length === 0) {
    throw new CdnError('invalid_request', 'Invalid heartbeat: the body must be empty or a JSON object like {"current_load": 3}', {
      fields: { body: 'must be empty or a JSON object' },
    });
  }
  throw new CdnError('invalid_request', `Invalid heartbeat: current_load ${issue.message}`, { fields: { current_load: issue.message } });
}
