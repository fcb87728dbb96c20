import { Controller, Get } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EDGE_EVENTS } from '@cdn/shared';
import { parseEdgeReport } from './edge-report';
import { EdgesService, EdgeView } from './edges.service';

/** Edge reports in (NATS or in-process, same handler), the edge table out. */
@Controller()
export class EdgesController {
  constructor(private readonly edges: EdgesService) {}

  @EventPattern(EDGE_EVENTS.report)
  onReport(@Payload() data: unknown): void {
    const parsed = parseEdgeReport(data);
    if (!parsed.ok) return this.edges.rejected(parsed.reason);
    if (parsed.trafficIssue !== undefined) this.edges.ignoredTraffic(parsed.report.edgeId, parsed.trafficIssue);
    this.edges.record(parsed.report);
  }

  @Get('edges')
  list(): { revision: number; edges: EdgeView[] } {
    return this.edges.view();
  }
}
