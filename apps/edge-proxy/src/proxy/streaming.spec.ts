import http from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Origin, startOrigin } from '../../../../test/support/origin';
import { EdgeHarness, routeNode, startEdge } from '../../test/edge-harness';

const BODY_BYTES = 200 * 1024 * 1024;
// Half the body: a buffered body would exceed it; the client, origin and edge share this process, so allow slack.
const MAX_GROWTH = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'z');

let edge: EdgeHarness;
const origins: Origin[] = [];

afterEach(async () => {
  await edge?.close();
  await Promise.all(origins.splice(0).map((o) => o.close()));
});

/** Samples RSS and heap while `work` runs; returns how far each rose above where it started. */
async function growthDuring(work: () => Promise<void>): Promise<{ rss: number; heap: number }> {
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return { rss: peakRss - start.rss, heap: peakHeap - start.heapUsed };
}

/** A body of `bytes` generated on the fly, never held whole. */
function generated(bytes: number): Readable {
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(left, CHUNK.length);
      left -= size;
      this.push(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size));
    },
  });
}

describe('streaming through the edge', () => {
  it(`downloads ${BODY_BYTES / 2 ** 20} MiB while memory grows far less than the body`, async () => {
    const origin = await startOrigin('big', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BODY_BYTES) });
      generated(BODY_BYTES).pipe(res);
    });
    origins.push(origin);
    edge = await startEdge();
    await edge.putNodes(routeNode('big', origin.url));

    let received = 0;
    const growth = await growthDuring(
      () =>
        new Promise<void>((resolve, reject) => {
          http
            .get(`${edge.url}/cdn/video.mp4`, { agent: false }, (res) => {
              expect(res.headers['x-cache']).toBe('MISS');
              res.on('data', (c: Buffer) => (received += c.length));
              res.on('end', resolve);
              res.on('error', reject);
            })
            .on('error', reject);
        }),
    );

    expect(received).toBe(BODY_BYTES);
    expect(growth.rss).toBeLessThan(MAX_GROWTH);
    expect(growth.heap).toBeLessThan(MAX_GROWTH);
  }, 60_000);

  it(`uploads ${BODY_BYTES / 2 ** 20} MiB while memory grows far less than the body`, async () => {
    const origin = await startOrigin('sink', (req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        const body = JSON.stringify({ bytes });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    origins.push(origin);
    edge = await startEdge();
    await edge.putNodes(routeNode('sink', origin.url));

    let answer = '';
    const growth = await growthDuring(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(
            `${edge.url}/cdn/upload.bin`,
            { method: 'PUT', agent: false, headers: { 'content-type': 'application/octet-stream', 'content-length': String(BODY_BYTES) } },
            (res) => {
              res.on('data', (c: Buffer) => (answer += c.toString()));
              res.on('end', resolve);
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          generated(BODY_BYTES).pipe(req);
        }),
    );

    expect(JSON.parse(answer)).toEqual({ bytes: BODY_BYTES });
    expect(growth.rss).toBeLessThan(MAX_GROWTH);
    expect(growth.heap).toBeLessThan(MAX_GROWTH);
  }, 60_000);
});
