import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { Logger } from '@cdn/shared';
import { LOGGER } from '../core/core.constants';
import { RoutingPublisher } from './routing-publisher';

@Controller()
export class CacheController {
  constructor(
    private readonly publisher: RoutingPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The seed's switch: flips caching on every edge. */
  @Post('toggle_cache')
  @HttpCode(200)
  toggle(): { status: string } {
    const enabled = this.publisher.toggleCache();
    const status = `Cache is now ${enabled ? 'enabled' : 'disabled'}`;
    this.logger.info(status);
    return { status };
  }
}
