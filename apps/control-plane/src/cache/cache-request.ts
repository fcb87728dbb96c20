import { CDN_ROOT, CdnError, normalizeCdnTarget, targetOfUrl } from '@cdn/shared';
import { EMPTY_BODY } from '../http/read-json-body';

/** Most items in one list of a purge or warm request. */
export const MAX_LIST_ITEMS = 1000;
/** Longest URL, prefix or tag accepted (the edge refuses request lines past 8 KiB anyway). */
export const MAX_ITEM_LENGTH = 8192;

/** `POST /cache/purge` after checking and normalising: client-facing targets as edges key them (/cdn/...). */
export interface PurgeRequest {
  urls: string[];
  prefixes: string[];
  tags: string[];
  soft: boolean;
}

/** `POST /cache/warm` after checking and normalising. */
export interface WarmRequest {
  urls: string[];
}

type Fields = Record<string, string>;

/**
 * Turns what an operator wrote into the edge's cache key space: an absolute URL keeps its path and
 * query, a path gains the /cdn prefix unless it has it ("/images/a.png" → "/cdn/images/a.png"). The
 * result is in the edges' normal form (normalizeCdnTarget), so "/a b", "/a%20b", "//a%20b" and
 * "/x/../a b" name the entry every spelling of that URL shares.
 * Returns undefined when the text is neither an http(s) URL nor a path starting with one "/", or has a
 * malformed percent-encoding.
 */
export function toEdgeTarget(text: string): string | undefined {
  let written: string | undefined;
  if (/^https?:\/\//i.test(text)) {
    try {
      new URL(text);
    } catch {
      return undefined;
    }
    written = targetOfUrl(text);
  } else if (text.startsWith('/') && !text.startsWith('//')) {
    written = text.includes('#') ? text.slice(0, text.indexOf('#')) : text;
  }
  if (written === undefined) return undefined;
  const onEdge = written === CDN_ROOT || written.startsWith(`${CDN_ROOT}/`) || written.startsWith(`${CDN_ROOT}?`);
  return normalizeCdnTarget(onEdge ? written : CDN_ROOT + written);
}

/** Checks and normalises a `POST /cache/purge` body, naming every bad field in one `invalid_request`. */
export function parsePurgeRequest(body: unknown): PurgeRequest {
  const fields: Fields = {};
  const object = asObject(body, ['urls', 'prefixes', 'tags', 'soft'], fields);
  const urls = targetList(object, 'urls', fields);
  const prefixes = targetList(object, 'prefixes', fields);
  const tags = stringList(object, 'tags', fields, (tag) => (/^[^\s\p{Cc}]+$/u.test(tag) ? tag : undefined), 'must be a tag without spaces or control characters');
  const soft = object?.soft ?? false;
  if (typeof soft !== 'boolean') fields.soft = 'must be true or false';
  if (object && Object.keys(fields).length === 0 && urls.length + prefixes.length + tags.length === 0) {
    fields.body = 'must name something to purge: at least one of urls, prefixes and tags must be a non-empty list';
  }
  fail('cache purge', fields);
  return { urls, prefixes, tags, soft: soft as boolean };
}

/** Checks and normalises a `POST /cache/warm` body. */
export function parseWarmRequest(body: unknown): WarmRequest {
  const fields: Fields = {};
  const object = asObject(body, ['urls'], fields);
  const urls = targetList(object, 'urls', fields);
  if (object && !fields.urls && urls.length === 0) fields.urls = 'is required: a list of 1-1000 URLs or paths to warm';
  fail('cache warm', fields);
  return { urls };
}

function asObject(body: unknown, known: string[], fields: Fields): Record<string, unknown> | undefined {
  if (body === EMPTY_BODY || typeof body !== 'object' || body === null || Array.isArray(body)) {
    fields.body = 'must be a JSON object';
    return undefined;
  }
  const object = body as Record<string, unknown>;
  // A misspelt field ("url") would otherwise be ignored silently and the request do less than meant.
  for (const key of Object.keys(object)) if (!known.includes(key)) fields[key] = `is not a known field (expected ${known.join(', ')})`;
  return object;
}

function targetList(object: Record<string, unknown> | undefined, name: string, fields: Fields): string[] {
  return stringList(object, name, fields, toEdgeTarget, 'must be an absolute http(s) URL or a path starting with /, with "%" followed by two hexadecimal digits');
}

/** Reads an optional list of strings, normalising each item; problems go into `fields`. Duplicates are dropped. */
function stringList(
  object: Record<string, unknown> | undefined,
  name: string,
  fields: Fields,
  normalise: (item: string) => string | undefined,
  problem: string,
): string[] {
  const value = object?.[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fields[name] = 'must be a list of strings';
    return [];
  }
  if (value.length > MAX_LIST_ITEMS) {
    fields[name] = `must have at most ${MAX_LIST_ITEMS} items, got ${value.length}`;
    return [];
  }
  const result = new Set<string>();
  value.forEach((item, index) => {
    const field = `${name}[${index}]`;
    if (typeof item !== 'string' || item.trim() === '') fields[field] = 'must be a non-empty string';
    else if (item.length > MAX_ITEM_LENGTH) fields[field] = `must be at most ${MAX_ITEM_LENGTH} characters`;
    else {
      const normalised = normalise(item.trim());
      if (normalised === undefined) fields[field] = problem;
      else result.add(normalised);
    }
  });
  return [...result];
}

function fail(what: string, fields: Fields): void {
  const entries = Object.entries(fields);
  if (entries.length === 0) return;
  const summary = entries.map(([field, problem]) => `${field} ${problem}`).join('; ');
  throw new CdnError('invalid_request', `Invalid ${what} request: ${summary}`, { fields });
}
