import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { IncomingMessage } from 'node:http';
import { cacheReceiptSchema, EDGE_EVENTS } from '@cdn/shared';
import { readJsonBody } from '../http/read-json-body';
import type { OperationView } from './cache-operation';
import { parsePurgeRequest, parseWarmRequest } from './cache-request';
import { CacheOperationsService } from './cache-operations.service';

/** 1000 URLs of a few hundred bytes each: more than the admin API's usual 64 KiB. */
const MAX_CACHE_BODY_BYTES = 1024 * 1024;

/** The cache admin API (purge, warm, operation status) and the edges' receipts (NATS or in-process, same handler). */
@Controller()
export class CacheOperationsController {
  constructor(private readonly operations: CacheOperationsService) {}

  @Post('cache/purge')
  @HttpCode(202)
  async purge(@Req() req: IncomingMessage): Promise<{ operation_id: string }> {
    return { operation_id: await this.operations.purge(parsePurgeRequest(await readJsonBody(req, MAX_CACHE_BODY_BYTES))) };
  }

  @Post('cache/warm')
  @HttpCode(202)
  async warm(@Req() req: IncomingMessage): Promise<{ operation_id: string }> {
    return { operation_id: await this.operations.warm(parseWarmRequest(await readJsonBody(req, MAX_CACHE_BODY_BYTES))) };
  }

  @Get('operations/:id')
  get(@Param('id') id: string): Promise<OperationView> {
    return this.operations.view(id);
  }

  @EventPattern(EDGE_EVENTS.receipt)
  onReceipt(@Payload() data: unknown): void {
    const parsed = cacheReceiptSchema.safeParse(data);
    if (parsed.success) this.operations.onReceipt(parsed.data);
    else this.operations.invalidReceipt(parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'receipt'}: ${i.message}`).join('; '));
  }
}
