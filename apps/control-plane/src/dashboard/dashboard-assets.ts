import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { CdnError } from '@cdn/shared';
import { sendStaticFile, staticFile, type StaticFile } from '../http/static-file';

/** The page and its files, as written in ./public (copied beside the built code by the build). */
export const DASHBOARD_PUBLIC_DIR = path.join(__dirname, 'public');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Everything the page may load comes from this server: the policy makes the browser refuse any other
 * host, inline script or frame around it, so the page works where there is no internet and leaks nothing.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  // Not no-referrer: with it a browser sends the page's own POSTs with Origin: null, which the admin API refuses.
  'referrer-policy': 'same-origin',
};

/** The dashboard's files, read once at start: a missing one shows at start-up, not when an operator opens the page. */
export class DashboardAssets {
  private readonly files = new Map<string, StaticFile>();

  constructor(dir = DASHBOARD_PUBLIC_DIR) {
    for (const name of fs.readdirSync(dir)) {
      const type = TYPES[path.extname(name)];
      if (type === undefined) continue;
      this.files.set(name, staticFile(fs.readFileSync(path.join(dir, name)), type));
    }
    if (!this.files.has('index.html')) throw new Error(`The dashboard's page is missing: no index.html in ${dir}`);
  }

  /** File names, for tests and the page's own checks. */
  names(): string[] {
    return [...this.files.keys()];
  }

  /** Answers one file (304 when the browser has it); 404 not_found for a name that is not one of them. */
  send(req: IncomingMessage, res: ServerResponse, name: string): void {
    const asset = this.files.get(name);
    if (asset === undefined) throw new CdnError('not_found', `No such dashboard file: ${name}`);
    sendStaticFile(req, res, asset, SECURITY_HEADERS);
  }
}
