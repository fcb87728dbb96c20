import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheEntry } from '../../../test/cache-entry-fixture';
import type { CacheEntry } from './cache-entry';
import { decodeEntry, encodeEntry, ENTRY_FORMAT_VERSION, PARTIAL_FORMAT_VERSION } from './entry-codec';

/** Every field but noCache away from the fixture's defaults, so a field the codec drops or mangles shows. */
function entry(overrides: Partial<CacheEntry> = {}): CacheEntry {
  return cacheEntry({
    status: 203,
    headers: ['content-type', 'text/plain; charset=utf-8', 'x-title', 'Zürich — 東京 🚀', 'etag', '"v1"'],
    edgeOnlyHeaders: ['edge-cache-control', 'max-age=600'],
    body: randomBytes(64 * 1024),
    nodeId: 'node-ü',
    requestTime: 1_700_000_000_123,
    responseTime: 1_700_000_000_456,
    initialAge: 7,
    freshnessLifetime: 600,
    staleWhileRevalidate: 30,
    staleIfError: 86_400,
    mustRevalidate: true,
    etag: '"v1"',
    lastModified: 'Tue, 01 Jul 2025 10:00:00 GMT',
    tags: ['product-1', 'catégorie'],
    vary: ['accept-encoding', 'accept-language'],
    invalidatedAt: 1_700_000_100_000,
    ...overrides,
  });
}

describe('entry codec', () => {
  it('round-trips every field and the body byte for byte', () => {
    const original = entry();
    const decoded = decodeEntry(encodeEntry(original));
    expect(decoded).toEqual(original);
    expect(decoded!.body.equals(original.body)).toBe(true);
  });

  it('reads a frame written before edge-only headers existed as having none', () => {
    const frame = encodeEntry(entry());
    const jsonLength = frame.readUInt32BE(1);
    const { edgeOnlyHeaders: _dropped, ...older } = JSON.parse(frame.toString('utf8', 5, 5 + jsonLength));
    const json = Buffer.from(JSON.stringify(older));
    const header = Buffer.alloc(5);
    header.writeUInt8(ENTRY_FORMAT_VERSION, 0);
    header.writeUInt32BE(json.length, 1);
    expect(decodeEntry(Buffer.concat([header, json, Buffer.from('body')]))?.edgeOnlyHeaders).toEqual([]);
  });

  it('keeps absent validators and invalidation absent', () => {
    const decoded = decodeEntry(encodeEntry(entry({ etag: undefined, lastModified: undefined, invalidatedAt: undefined })))!;
    expect(decoded.etag).toBeUndefined();
    expect(decoded.lastModified).toBeUndefined();
    expect(decoded.invalidatedAt).toBeUndefined();
  });

  it('round-trips an empty body', () => {
    expect(decodeEntry(encodeEntry(entry({ body: Buffer.alloc(0) })))!.body.length).toBe(0);
  });

  it('frames the body without inflation: the frame is the body plus a small header', () => {
    const body = randomBytes(1024 * 1024);
    const frame = encodeEntry(entry({ body }));
    expect(frame[0]).toBe(ENTRY_FORMAT_VERSION);
    expect(frame.length - body.length).toBeLessThan(1024);
    expect(frame.subarray(frame.length - body.length).equals(body)).toBe(true);
  });

  it('reads an unknown version as undefined', () => {
    const frame = encodeEntry(entry());
    frame[0] = PARTIAL_FORMAT_VERSION + 1;
    expect(decodeEntry(frame)).toBeUndefined();
  });

  it('round-trips a partial (206) entry in a version-2 frame, which an edge that predates partial entries reads as a miss', () => {
    const original = entry({ status: 206, body: randomBytes(1000), partial: { start: 500, completeLength: 10_000 } });
    const frame = encodeEntry(original);
    expect(frame[0]).toBe(PARTIAL_FORMAT_VERSION);
    expect(decodeEntry(frame)).toEqual(original);
    expect(encodeEntry(entry())[0]).toBe(ENTRY_FORMAT_VERSION);
  });

  it('reads a partial frame whose range does not hold its body, or a complete frame relabelled partial, as undefined', () => {
    const body = randomBytes(1000);
    for (const partial of [{ start: 9_500, completeLength: 10_000 }, { start: -1, completeLength: 10_000 }, { start: 0.5, completeLength: 10_000 }]) {
      expect(decodeEntry(encodeEntry(entry({ status: 206, body, partial })))).toBeUndefined();
    }
    const relabelled = encodeEntry(entry());
    relabelled[0] = PARTIAL_FORMAT_VERSION;
    expect(decodeEntry(relabelled)).toBeUndefined();
  });

  it('reads damaged frames as undefined without throwing', () => {
    const frame = encodeEntry(entry());
    const corruptJson = Buffer.from(frame);
    corruptJson[6] = 0x7b; // '{' inside the JSON
    const wrongLength = Buffer.from(frame);
    wrongLength.writeUInt32BE(frame.length, 1);
    const wrongShape = Buffer.concat([Buffer.from([ENTRY_FORMAT_VERSION, 0, 0, 0, 13]), Buffer.from('{"status":"x"}').subarray(0, 13)]);
    for (const damaged of [Buffer.alloc(0), Buffer.from([1, 0]), frame.subarray(0, 20), corruptJson, wrongLength, wrongShape, Buffer.from('not a frame at all')]) {
      expect(decodeEntry(damaged)).toBeUndefined();
    }
  });
});
