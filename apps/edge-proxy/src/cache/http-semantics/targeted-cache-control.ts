import type { IncomingHttpHeaders } from 'node:http';
import type { CacheEntry } from '../store/cache-entry';
import { type Directives, parseCacheControl } from './cache-control';
import { flatHeader } from './header-values';
import { parseTargetedField } from './structured-dictionary';

/** The targeted field every CDN obeys (RFC 9213 §3). */
export const CDN_CACHE_CONTROL = 'cdn-cache-control';

/** The targeted cache-control fields an edge obeys (RFC 9213 §2.1): its target list, most specific first. */
export interface CacheControlTargets {
  /** Lower-case field names in target-list order. */
  readonly fields: readonly string[];
  /** The field meant for this CDN alone (--cache-control-target): never sent on to clients. */
  readonly own: string | undefined;
}

/** The target list [own, CDN-Cache-Control], or [CDN-Cache-Control] without a field of our own. */
export function cacheControlTargets(own: string | undefined): CacheControlTargets {
  const name = own?.toLowerCase();
  return { fields: name === undefined ? [CDN_CACHE_CONTROL] : [name, CDN_CACHE_CONTROL], own: name };
}

/** The target list of an edge started without --cache-control-target. */
export const CDN_TARGETS = cacheControlTargets(undefined);

/** The directives that decide how this cache treats an answer, and the targeted field they came from. */
export interface SelectedDirectives {
  directives: Directives;
  /** The targeted field used, or undefined when Cache-Control (and Expires) decide. */
  field: string | undefined;
}

/**
 * RFC 9213 §2.1: the first field of the target list with a valid, non-empty value decides, and then
 * Cache-Control and Expires are ignored for this cache; without one, Cache-Control decides as usual.
 */
export function selectDirectives(headers: IncomingHttpHeaders, targets: CacheControlTargets): SelectedDirectives {
  for (const field of targets.fields) {
    const directives = parseTargetedField(headers[field]);
    if (directives !== undefined) return { directives, field };
  }
  return { directives: parseCacheControl(headers['cache-control']), field: undefined };
}

/** selectDirectives on a stored entry: its headers, and those kept for this edge alone, read where they lie. */
export function storedDirectives(entry: CacheEntry, targets: CacheControlTargets): Directives {
  for (const field of targets.fields) {
    const directives = parseTargetedField(flatHeader(entry.edgeOnlyHeaders, field) ?? flatHeader(entry.headers, field));
    if (directives !== undefined) return directives;
  }
  return parseCacheControl(flatHeader(entry.headers, 'cache-control'));
}
