import { Controller, Get } from '@nestjs/common';
import type { StatsReport } from './stats-report';
import { StatsService } from './stats.service';

@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('stats')
  get(): StatsReport {
    return this.stats.report();
  }
}
