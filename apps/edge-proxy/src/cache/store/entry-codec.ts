import type { CacheEntry, PartialRange } from './cache-entry';

/** Bumped whenever the metadata shape changes; older frames then read as misses instead of wrong answers. */
export const ENTRY_FORMAT_VERSION = 1;
/**
 * A partial (206) entry's frame: version 1 plus `partial`. Complete entries keep version 1, so edges of
 * both versions share them, while an edge that predates partial entries reads these as misses instead of
 * serving a byte range as a whole answer.
 */
export const PARTIAL_FORMAT_VERSION = 2;
const HEADER_BYTES = 5;

/** What a frame holds besides the body; frames written before edge-only headers existed have none. */
type EntryMetadata = Omit<CacheEntry, 'body' | 'edgeOnlyHeaders'> & { edgeOnlyHeaders?: readonly string[] };

/** [1 byte format version][4 bytes BE metadata length][metadata as JSON: everything but the body][body bytes]. */
export function encodeEntry(entry: CacheEntry): Buffer {
  const { body, ...metadata } = entry;
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  // One allocation and two copies: the body is never re-encoded, so the frame is the body plus a small header.
  const frame = Buffer.allocUnsafe(HEADER_BYTES + json.length + body.length);
  frame.writeUInt8(entry.partial === undefined ? ENTRY_FORMAT_VERSION : PARTIAL_FORMAT_VERSION, 0);
  frame.writeUInt32BE(json.length, 1);
  json.copy(frame, HEADER_BYTES);
  body.copy(frame, HEADER_BYTES + json.length);
  return frame;
}

/** undefined for an unknown version or a damaged buffer (never throws). */
export function decodeEntry(buffer: Buffer): CacheEntry | undefined {
  if (!Buffer.isBuffer(buffer) || buffer.length < HEADER_BYTES) return undefined;
  const version = buffer.readUInt8(0);
  if (version !== ENTRY_FORMAT_VERSION && version !== PARTIAL_FORMAT_VERSION) return undefined;
  const jsonLength = buffer.readUInt32BE(1);
  if (HEADER_BYTES + jsonLength > buffer.length) return undefined;
  let metadata: unknown;
  try {
    metadata = JSON.parse(buffer.toString('utf8', HEADER_BYTES, HEADER_BYTES + jsonLength));
  } catch {
    return undefined;
  }
  if (!isMetadata(metadata)) return undefined;
  const body = buffer.subarray(HEADER_BYTES + jsonLength);
  const partial = version === PARTIAL_FORMAT_VERSION ? metadata.partial : undefined;
  if (version === PARTIAL_FORMAT_VERSION && !isPartialRange(partial, body.length)) return undefined;
  return {
    status: metadata.status,
    headers: metadata.headers,
    edgeOnlyHeaders: metadata.edgeOnlyHeaders ?? [],
    // A view, not a copy: the frame came from one Redis reply and holds nothing else worth freeing.
    body,
    nodeId: metadata.nodeId,
    requestTime: metadata.requestTime,
    responseTime: metadata.responseTime,
    initialAge: metadata.initialAge,
    freshnessLifetime: metadata.freshnessLifetime,
    staleWhileRevalidate: metadata.staleWhileRevalidate,
    staleIfError: metadata.staleIfError,
    mustRevalidate: metadata.mustRevalidate,
    noCache: metadata.noCache,
    etag: metadata.etag ?? undefined,
    lastModified: metadata.lastModified ?? undefined,
    tags: metadata.tags,
    vary: metadata.vary,
    invalidatedAt: metadata.invalidatedAt ?? undefined,
    partial,
  };
}

const NUMBER_FIELDS = ['status', 'requestTime', 'responseTime', 'initialAge', 'freshnessLifetime', 'staleWhileRevalidate', 'staleIfError'] as const;

/** Another edge (or another version) wrote this frame: trust nothing about its shape. */
function isMetadata(value: unknown): value is EntryMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    NUMBER_FIELDS.every((field) => typeof m[field] === 'number' && Number.isFinite(m[field])) &&
    typeof m.nodeId === 'string' &&
    typeof m.mustRevalidate === 'boolean' &&
    typeof m.noCache === 'boolean' &&
    isStringArray(m.headers) &&
    m.headers.length % 2 === 0 &&
    (m.edgeOnlyHeaders === undefined || (isStringArray(m.edgeOnlyHeaders) && m.edgeOnlyHeaders.length % 2 === 0)) &&
    isStringArray(m.tags) &&
    isStringArray(m.vary) &&
    isOptional(m.etag, 'string') &&
    isOptional(m.lastModified, 'string') &&
    isOptional(m.invalidatedAt, 'number')
  );
}

/** A range that its body fills and that lies inside the complete length: anything else would serve wrong bytes. */
function isPartialRange(value: unknown, bodyLength: number): value is PartialRange {
  if (typeof value !== 'object' || value === null) return false;
  const { start, completeLength } = value as Record<string, unknown>;
  return Number.isSafeInteger(start) && Number.isSafeInteger(completeLength) && (start as number) >= 0 && bodyLength > 0 && (start as number) + bodyLength <= (completeLength as number);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isOptional(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || value === null || typeof value === type;
}
