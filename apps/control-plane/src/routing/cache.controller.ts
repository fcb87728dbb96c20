import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { Logger } from '@cdn/shared';
import { LOGGER } from '../core/core.constants';
import { CACHE_SWITCH, type CacheSwitch } from './cache-switch';

@Controller()
export class CacheController {
  constructor(
    @Inject(CACHE_SWITCH) private readonly cacheSwitch: CacheSwitch,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The seed's switch: flips caching on every edge. */
  @Post('toggle_cache')
  @HttpCode(200)
  async toggle(): Promise<{ status: string }> {
    const enabled = await this.cacheSwitch.toggle();
    const status = `Cache is now ${enabled ? 'enabled' : 'disabled'}`;
    this.logger.info(status);
    return { status };
  }
}
