import fs from 'node:fs';
import path from 'node:path';
import { staticFile, type StaticFile } from '../http/static-file';

/** The files the documentation page loads, all served by the control plane itself from /docs/<name>. */
export const DOCS_ASSET_NAMES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'docs.js', 'favicon-32x32.png', 'favicon-16x16.png'] as const;
export type DocsAssetName = (typeof DOCS_ASSET_NAMES)[number];

const CONTENT_TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.png': 'image/png' };

/**
 * Starts Swagger UI on the page. A file of its own (not an inline script), so the page's
 * Content-Security-Policy can allow scripts from this server only. No validator badge: it would call an
 * outside service with the document.
 */
const DOCS_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/docs-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
  });
});
`;

/**
 * Reads the page's files on first use and keeps them (about 2 MB): Swagger UI's own from the
 * swagger-ui-dist package, docs.js from above. Source-map comments are dropped, since the maps are not served.
 */
export function createDocsAssets(swaggerUiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'))): (name: string) => StaticFile | undefined {
  const cache = new Map<DocsAssetName, StaticFile>();
  return (name) => {
    if (!(DOCS_ASSET_NAMES as readonly string[]).includes(name)) return undefined;
    const known = name as DocsAssetName;
    let asset = cache.get(known);
    if (!asset) {
      const body = known === 'docs.js' ? Buffer.from(DOCS_SCRIPT) : fs.readFileSync(path.join(swaggerUiDir, known));
      asset = staticFile(withoutSourceMap(known, body), CONTENT_TYPES[path.extname(known)]);
      cache.set(known, asset);
    }
    return asset;
  };
}

function withoutSourceMap(name: string, body: Buffer): Buffer {
  if (name.endsWith('.png')) return body;
  return Buffer.from(body.toString('utf8').replace(/\n?\/[/*]# sourceMappingURL=\S+?(\s*\*\/)?\s*$/, '\n'));
}
