import { Module } from '@nestjs/common';
import { DocsController } from './docs.controller';

/** GET /docs, /docs-json and /docs/<asset>: the admin API's OpenAPI document and a page that renders it. */
@Module({ controllers: [DocsController] })
export class DocsModule {}
