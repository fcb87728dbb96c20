import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CdnError, type Logger } from '@cdn/shared';
import { Counter, type Registry } from 'prom-client';
import { LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { sendStaticFile, staticFile, type StaticFile } from '../http/static-file';
import { createDocsAssets, DOCS_ASSET_NAMES } from './docs-assets';
import { DOCS_PAGE, DOCS_PAGE_SECURITY_POLICY } from './docs-page';
import { buildOpenApiDocument } from './openapi-document';

/** The API documentation: the OpenAPI document, a page that renders it, and the page's own files. */
@Controller()
export class DocsController {
  private document: StaticFile | undefined;
  private readonly page = staticFile(Buffer.from(DOCS_PAGE), 'text/html; charset=utf-8');
  private readonly assets = createDocsAssets();
  private readonly served: Counter<'file'>;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.served = new Counter({ name: 'cdn_cp_docs_requests_total', help: 'API documentation requests, by file (docs-json, docs, an asset, or not_found)', labelNames: ['file'], registers: [registry] });
    // Every label at 0 from the start, so a rate over it is defined before the first visit.
    for (const file of ['docs-json', 'docs', ...DOCS_ASSET_NAMES, 'not_found']) this.served.inc({ file }, 0);
  }

  @Get('docs-json')
  json(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.served.inc({ file: 'docs-json' });
    sendStaticFile(req, res, this.openApiDocument());
  }

  @Get('docs')
  docsPage(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    this.served.inc({ file: 'docs' });
    sendStaticFile(req, res, this.page, { 'content-security-policy': DOCS_PAGE_SECURITY_POLICY });
  }

  @Get('docs/:asset')
  asset(@Param('asset') name: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    const asset = this.assets(name);
    if (!asset) {
      this.served.inc({ file: 'not_found' });
      throw new CdnError('not_found', `No documentation file ${JSON.stringify(name)}; the page loads ${DOCS_ASSET_NAMES.join(', ')}.`);
    }
    this.served.inc({ file: name });
    sendStaticFile(req, res, asset);
  }

  /** Built on first use (a few milliseconds), not at start-up: most control planes are never asked. */
  private openApiDocument(): StaticFile {
    if (!this.document) {
      const started = performance.now();
      const document = buildOpenApiDocument();
      const body = Buffer.from(JSON.stringify(document));
      this.document = staticFile(body, 'application/json; charset=utf-8');
      const operations = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
      this.logger.info(`Built the OpenAPI document of the admin API (${operations} operations, ${body.length} bytes) in ${Math.round(performance.now() - started)} ms; served at /docs-json and /docs`);
    }
    return this.document;
  }
}
