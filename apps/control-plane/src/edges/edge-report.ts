import { describeIssues, EdgeReport, edgeReportSchema, edgeTrafficReportSchema } from '@cdn/shared';

/** A report is accepted or refused whole; its traffic alone may be dropped (`trafficIssue` says why). */
export type ParsedEdgeReport = { ok: true; report: EdgeReport; trafficIssue?: string } | { ok: false; reason: string };

export function parseEdgeReport(data: unknown): ParsedEdgeReport {
  const result = edgeReportSchema.safeParse(data);
  if (!result.success) return { ok: false, reason: describeIssues(result.error) };
  const sentTraffic = (data as { traffic?: unknown }).traffic;
  if (sentTraffic === undefined || result.data.traffic !== undefined) return { ok: true, report: result.data };
  // The schema drops traffic it cannot read (so the edge still counts as live); say what was wrong with it.
  const traffic = edgeTrafficReportSchema.safeParse(sentTraffic);
  return { ok: true, report: result.data, trafficIssue: traffic.success ? 'unreadable' : describeIssues(traffic.error) };
}
