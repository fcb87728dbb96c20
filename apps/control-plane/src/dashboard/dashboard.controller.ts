import { Controller, Get, Inject, OnModuleDestroy, Param, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DashboardAssets } from './dashboard-assets';
import { DashboardFeed } from './dashboard-feed';

/**
 * GET /dashboard: the page and its files, open to anyone who can reach the admin API (they hold no data:
 * a browser cannot send a token when it opens a page); GET /dashboard/events: the live data, which needs
 * a token like every other admin GET.
 */
@Controller('dashboard')
export class DashboardController implements OnModuleDestroy {
  constructor(
    @Inject(DashboardAssets) private readonly assets: DashboardAssets,
    @Inject(DashboardFeed) private readonly feed: DashboardFeed,
  ) {}

  @Get()
  page(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.assets.send(req, res, 'index.html');
  }

  @Get('assets/:file')
  asset(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('file') file: string): void {
    this.assets.send(req, res, file);
  }

  @Get('events')
  events(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.feed.connect(req, res);
  }

  onModuleDestroy(): void {
    this.feed.close();
  }
}
