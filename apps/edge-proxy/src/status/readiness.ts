import { ErrorBody, errorBody } from '@cdn/shared';
import { TableOrigin, tableAgeSeconds } from '../routing/table-origin';

/** What /readyz answers. */
export type Readiness = { status: 200; body: ReadyBody } | { status: 503; body: ErrorBody };

/**
 * Ready: a table is in use. `table` says where it came from; a saved one also says when it was saved, how old it
 * is and what the edge waits for to replace it.
 */
export interface ReadyBody {
  status: 'ready';
  revision: number;
  table: TableOrigin['source'];
  saved_at?: string;
  age_seconds?: number;
  waiting_for?: string;
}

export interface ReadinessInput {
  /** The table in use, if any. */
  applied: { revision: number; origin: TableOrigin } | undefined;
  now: number;
  /** What the edge waits for to have the live table, e.g. "NATS at nats://127.0.0.1:4222". */
  waitingFor: string;
  /** Why there is no saved table to start from (split edges), e.g. "no --state-dir to start from". */
  noSavedTable?: string;
}

/** Ready once any table is in use, saved or live; until then 503 not_ready naming every reason. */
export function readiness(input: ReadinessInput): Readiness {
  const { applied } = input;
  if (applied === undefined) {
    const reasons = [`waiting for ${input.waitingFor}`, ...(input.noSavedTable ? [input.noSavedTable] : [])];
    return { status: 503, body: errorBody('not_ready', `No routing table yet: ${reasons.join('; ')}.`, { reasons }) };
  }
  const { origin } = applied;
  if (origin.source === 'live') return { status: 200, body: { status: 'ready', revision: applied.revision, table: 'live' } };
  return {
    status: 200,
    body: {
      status: 'ready',
      revision: applied.revision,
      table: 'saved',
      saved_at: new Date(origin.savedAt).toISOString(),
      age_seconds: tableAgeSeconds(origin, input.now),
      waiting_for: input.waitingFor,
    },
  };
}
