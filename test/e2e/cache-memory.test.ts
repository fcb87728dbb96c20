/**
 * Issue 8, hole 8: the memory tier counted about a quarter of what its small entries really held, so
 * --cache-max-bytes did not bound memory. scripts/measure-cache-memory.mjs fills a real edge's cache over
 * sockets and compares what the tier counts with the growth of the JS heap and off-heap buffers.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/processes';

interface Measurement {
  entries: number;
  accountedPerEntry: number;
  realPerEntry: number;
  realOverAccounted: number;
  rssOverAccounted: number;
}

function measure(...args: string[]): Measurement {
  const script = path.join(ROOT, 'scripts/measure-cache-memory.mjs');
  const run = spawnSync(process.execPath, ['--expose-gc', script, '--objects', '5000', '--json', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Measurement;
}

describe('memory tier accounting', () => {
  it.each([
    ['100-byte bodies', ['--body', '100']],
    ['2 KiB bodies that arrive in chunks (pooled slabs)', ['--body', '2048', '--chunked']],
    ['small bodies with many headers', ['--body', '200', '--headers', '12']],
  ])('--cache-max-bytes bounds what %s really hold, within 25 %', (_, args) => {
    const result = measure(...args);
    expect(result.entries).toBe(5000);
    // Never more than counted (the limit holds), and not much less (the cache is not starved).
    expect(result.realOverAccounted).toBeLessThanOrEqual(1.05);
    expect(result.realOverAccounted).toBeGreaterThanOrEqual(0.75);
  });
});
