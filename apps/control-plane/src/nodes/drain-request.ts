import { CdnError } from '@cdn/shared';
import { z } from 'zod';
import { EMPTY_BODY } from '../http/read-json-body';

/** The body of `PATCH /nodes/<id>`: the schema that checks it is the one the API documentation shows. */
export const nodeStateChangeSchema = z
  .object(
    {
      state: z.enum(['draining', 'active'], { error: 'must be "draining" or "active"' }).describe('"draining" takes the node out of rotation (requests in flight finish); "active" undoes it and lets its health decide again'),
    },
    { error: 'must be a JSON object like {"state": "draining"}' },
  )
  .meta({ description: 'Drain a node, or undo a drain.', examples: [{ state: 'draining' }, { state: 'active' }] });

/** Checks a `PATCH /nodes/<id>` body: `{"state": "draining"}` drains, `{"state": "active"}` undoes it. Returns whether to drain. */
export function parseDrainRequest(body: unknown): boolean {
  const checked = nodeStateChangeSchema.safeParse(body === EMPTY_BODY ? undefined : body);
  if (checked.success) return checked.data.state === 'draining';
  const state = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).state : undefined;
  throw new CdnError('invalid_request', `Invalid node update: state must be "draining" or "active", got ${state === undefined ? 'nothing' : JSON.stringify(state)}`, {
    fields: { state: 'must be "draining" or "active"' },
  });
}
