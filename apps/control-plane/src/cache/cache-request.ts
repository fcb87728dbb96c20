import { CDN_ROOT, CdnError, normalizeCdnTarget, targetOfUrl } from '@cdn/shared';
import { z } from 'zod';
import { issueFields } from '../http/issue-fields';
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

const TARGET_PROBLEM = 'must be an absolute http(s) URL or a path starting with /, with "%" followed by two hexadecimal digits';

/** One item of a list: a non-empty string of at most MAX_ITEM_LENGTH, trimmed, then normalised (or refused with `problem`). */
function listItem(normalise: (item: string) => string | undefined, problem: string) {
  return z
    .string({ error: 'must be a non-empty string' })
    .refine((item) => item.trim() !== '', { error: 'must be a non-empty string', abort: true })
    .max(MAX_ITEM_LENGTH, `must be at most ${MAX_ITEM_LENGTH} characters`)
    .transform((item, ctx) => {
      const normalised = normalise(item.trim());
      if (normalised !== undefined) return normalised;
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    });
}

/** A list of at most MAX_LIST_ITEMS items; duplicates (after normalising) are dropped. */
function list(item: ReturnType<typeof listItem>, whenMissing = 'must be a list of strings') {
  return z
    .array(item, { error: (issue) => (issue.input === undefined ? whenMissing : 'must be a list of strings') })
    .max(MAX_LIST_ITEMS, { error: (issue) => `must have at most ${MAX_LIST_ITEMS} items, got ${(issue.input as unknown[]).length}` })
    .transform((items) => [...new Set(items)]);
}

/** A misspelt field ("url") would otherwise be ignored silently and the request do less than meant: unknown keys are refused. */
function strictBody<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `is not a known field (expected ${known})` : 'must be a JSON object') });
}

const targets = () => list(listItem(toEdgeTarget, TARGET_PROBLEM));

/** The body of `POST /cache/purge`: the schema that checks it is the one the API documentation shows. */
export const purgeRequestSchema = strictBody({
  urls: targets().optional().describe('exact URLs: /cdn/..., a path that gets /cdn prepended, or an absolute URL; normalised as edges normalise requests'),
  prefixes: targets().optional().describe('every cached URL that starts with one of these (written as urls are)'),
  tags: list(listItem((tag) => (/^[^\s\p{Cc}]+$/u.test(tag) ? tag : undefined), 'must be a tag without spaces or control characters'))
    .optional()
    .describe("tags from the answers' Surrogate-Key and Cache-Tag headers"),
  soft: z.boolean({ error: 'must be true or false' }).optional().describe('mark the entries stale (revalidated, or served stale while revalidating) instead of removing them; false by default'),
})
  .refine((body) => (body.urls?.length ?? 0) + (body.prefixes?.length ?? 0) + (body.tags?.length ?? 0) > 0, {
    error: 'must name something to purge: at least one of urls, prefixes and tags must be a non-empty list',
  })
  .meta({
    description: 'What to purge from every edge and the shared tier: at least one non-empty list, each of at most 1000 items.',
    examples: [{ urls: ['/cdn/images/logo.png', 'https://cdn.example.com/cdn/app.js?v=2'] }, { prefixes: ['/cdn/css/'], tags: ['product-42'], soft: true }],
  });

/** The body of `POST /cache/warm`. */
export const warmRequestSchema = strictBody({
  urls: list(listItem(toEdgeTarget, TARGET_PROBLEM), `is required: a list of 1-${MAX_LIST_ITEMS} URLs or paths to warm`)
    .refine((urls) => urls.length > 0, `is required: a list of 1-${MAX_LIST_ITEMS} URLs or paths to warm`)
    .describe('URLs to fetch through the normal routing into every edge (written as the urls of a purge)'),
}).meta({ description: "URLs to fetch into every edge's cache (1-1000).", examples: [{ urls: ['/cdn/index.html', '/cdn/images/hero.jpg'] }] });

/** Checks and normalises a `POST /cache/purge` body, naming every bad field in one `invalid_request`. */
export function parsePurgeRequest(body: unknown): PurgeRequest {
  const { urls = [], prefixes = [], tags = [], soft = false } = checked('cache purge', purgeRequestSchema, body);
  return { urls, prefixes, tags, soft };
}

/** Checks and normalises a `POST /cache/warm` body. */
export function parseWarmRequest(body: unknown): WarmRequest {
  return checked('cache warm', warmRequestSchema, body);
}

function checked<T>(what: string, schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body === EMPTY_BODY ? undefined : body);
  if (result.success) return result.data;
  const fields = issueFields(result.error);
  const summary = Object.entries(fields)
    .map(([field, problem]) => `${field} ${problem}`)
    .join('; ');
  throw new CdnError('invalid_request', `Invalid ${what} request: ${summary}`, { fields });
}
