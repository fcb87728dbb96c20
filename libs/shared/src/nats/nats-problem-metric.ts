import { Counter, type Registry } from 'prom-client';
import type { NatsProblemKind } from './nats-connection';

/**
 * Counts what goes wrong with a program's NATS connection (`<prefix>nats_problems_total`): unreachable,
 * refused (auth, tls), or a subject its user may not use (permission).
 */
export function countNatsProblems(registry: Registry, prefix: 'cdn_cp_' | 'cdn_edge_'): (kind: NatsProblemKind) => void {
  const problems = new Counter({
    name: `${prefix}nats_problems_total`,
    help: 'Failed NATS connection attempts and refused subjects, by kind (unreachable, auth, tls, permission)',
    labelNames: ['kind'],
    registers: [registry],
  });
  return (kind) => problems.inc({ kind });
}
