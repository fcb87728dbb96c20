import { CdnError } from '@cdn/shared';
import { EMPTY_BODY } from '../http/read-json-body';

/** Checks a `PATCH /nodes/<id>` body: `{"state": "draining"}` drains, `{"state": "active"}` undoes it. Returns whether to drain. */
export function parseDrainRequest(body: unknown): boolean {
  const state = body !== EMPTY_BODY && typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).state : undefined;
  if (state === 'draining') return true;
  if (state === 'active') return false;
  throw new CdnError('invalid_request', `Invalid node update: state must be "draining" or "active", got ${state === undefined ? 'nothing' : JSON.stringify(state)}`, {
    fields: { state: 'must be "draining" or "active"' },
  });
}
