import { DOCS_ASSET_NAMES } from './docs-assets';

/**
 * Every path of the documentation, exactly: the page, the document and each file the page loads.
 * They describe the product, not this installation (the same for everyone, like the README), so AdminGate
 * lets them through without a token, as it does the probes; they are served only where the admin API is.
 */
export const DOCS_PATHS: readonly string[] = ['/docs', '/docs-json', ...DOCS_ASSET_NAMES.map((name) => `/docs/${name}`)];
