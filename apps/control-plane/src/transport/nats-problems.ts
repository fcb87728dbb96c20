import type { NatsProblemKind } from '@cdn/shared';
import { Counter, type Registry } from 'prom-client';

/** Counts what goes wrong with the control plane's NATS connection: unreachable, refused (auth, tls), or a subject its user may not use (permission). */
export function countNatsProblems(registry: Registry): (kind: NatsProblemKind) => void {
  const problems = new Counter({
    name: 'cdn_cp_nats_problems_total',
    help: 'Failed NATS connection attempts and refused subjects, by kind (unreachable, auth, tls, permission)',
    labelNames: ['kind'],
    registers: [registry],
  });
  return (kind) => problems.inc({ kind });
}
