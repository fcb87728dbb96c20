import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CdnError } from '@cdn/shared';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../core/core.constants';
import { Readiness } from './readiness';

/** Liveness, readiness and Prometheus metrics. */
@Controller()
export class ProbesController {
  constructor(
    private readonly readiness: Readiness,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  /** 503 not_ready with every reason (`reasons`) while the control plane should not take traffic. */
  @Get('readyz')
  readyz(): { status: string } {
    const reasons = this.readiness.problems();
    if (reasons.length > 0) throw new CdnError('not_ready', reasons.join(' '), { reasons });
    return { status: 'ready' };
  }

  @Get('metrics')
  async metrics(@Res() res: ServerResponse): Promise<void> {
    const text = await this.registry.metrics();
    res.writeHead(200, { 'content-type': this.registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
