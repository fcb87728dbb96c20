import { describeIssues, EdgeReport, edgeReportSchema } from '@cdn/shared';

export function parseEdgeReport(data: unknown): { ok: true; report: EdgeReport } | { ok: false; reason: string } {
  const result = edgeReportSchema.safeParse(data);
  if (result.success) return { ok: true, report: result.data };
  return { ok: false, reason: describeIssues(result.error) };
}
