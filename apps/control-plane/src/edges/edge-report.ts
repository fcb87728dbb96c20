import { EdgeReport, NODE_ID_PATTERN } from '@cdn/shared';
import { z } from 'zod';

/** Reports arrive from the network: check them before they touch the edge table. */
const edgeReportSchema = z.object({
  edgeId: z.string().regex(NODE_ID_PATTERN),
  revision: z.number().int().nonnegative(),
  reportedAt: z.number().finite(),
  startedAt: z.number().finite(),
  address: z.string().max(512).optional(),
  nodes: z
    .record(
      z.string().regex(NODE_ID_PATTERN),
      z.object({
        inFlight: z.number().finite().nonnegative(),
        requests: z.number().finite().nonnegative(),
        failures: z.number().finite().nonnegative(),
        lastError: z.string().max(200).optional(),
        ejected: z.boolean(),
      }),
    )
    .optional(),
});

export function parseEdgeReport(data: unknown): { ok: true; report: EdgeReport } | { ok: false; reason: string } {
  const result = edgeReportSchema.safeParse(data);
  if (result.success) return { ok: true, report: result.data };
  return { ok: false, reason: result.error.issues.map((i) => `${i.path.map(String).join('.') || 'report'}: ${i.message}`).join('; ') };
}
