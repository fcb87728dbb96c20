import type { IncomingHttpHeaders } from 'node:http';
import { CDN_ROOT, normalizeCdnTarget, targetOfUrl } from '@cdn/shared';
import { headerValue } from './header-values';

/** Methods that never invalidate (RFC 9110 §9.2.1 safe methods). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * After an unsafe method answered 2xx or 3xx (RFC 9111 §4.4): the client-facing targets whose cached
 * entries are invalid. The request target, plus Location and Content-Location when they point at the
 * same service: a path-absolute value (the node's path, so '/cdn' is prepended), an absolute URL whose
 * host is the node's (node path → '/cdn' + path), or whose host is the client's Host and path starts
 * with /cdn/. Query strings are kept; anything else is ignored (other hosts cannot be purged from here).
 * Every target is in normal form (normalizeCdnTarget), as the cache keys are.
 */
export function invalidatedTargets(
  method: string,
  status: number,
  clientTarget: string,
  responseHeaders: IncomingHttpHeaders,
  hosts: { clientHost: string | undefined; nodeHost: string },
): string[] {
  if (SAFE_METHODS.has(method) || status < 200 || status > 399) return [];
  const targets = [clientTarget];
  for (const name of ['location', 'content-location']) {
    const value = headerValue(responseHeaders, name);
    if (value === undefined) continue;
    const target = clientTargetOf(value.trim(), hosts);
    if (target !== undefined && !targets.includes(target)) targets.push(target);
  }
  return targets;
}

function clientTargetOf(reference: string, hosts: { clientHost: string | undefined; nodeHost: string }): string | undefined {
  if (reference.startsWith('/') && !reference.startsWith('//')) return normalizeCdnTarget(CDN_ROOT + withoutFragment(reference));
  const lower = reference.slice(0, 8).toLowerCase();
  const absolute = lower.startsWith('http://') || lower.startsWith('https://') ? reference : reference.startsWith('//') ? `http:${reference}` : undefined;
  if (absolute === undefined) return undefined;
  let host: string;
  try {
    host = new URL(absolute).host.toLowerCase();
  } catch {
    return undefined;
  }
  // The path as the node wrote it, not as the WHATWG parser rewrites it: the cache keys are in the edge's normal form.
  const path = targetOfUrl(absolute)!;
  if (host === hosts.nodeHost.toLowerCase()) return normalizeCdnTarget(CDN_ROOT + path);
  if (hosts.clientHost !== undefined && host === hosts.clientHost.toLowerCase() && path.startsWith(`${CDN_ROOT}/`)) return normalizeCdnTarget(path);
  return undefined;
}

function withoutFragment(reference: string): string {
  const hash = reference.indexOf('#');
  return hash === -1 ? reference : reference.slice(0, hash);
}
