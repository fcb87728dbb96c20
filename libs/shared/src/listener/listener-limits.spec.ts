import { describe, expect, it } from 'vitest';
import { listenerLimits } from './listener-limits';
import { ASSUMED_OPEN_FILE_LIMIT, openFileLimit, parseSoftLimit } from './open-file-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            4096                 524288               files
Max locked memory         8388608              8388608              bytes
`;
const config = { headerTimeout: 20, idleTimeout: 60, keepAliveTimeout: 5, maxConnections: 0, maxHeaderSize: 16384 };

describe('listener limits', () => {
  it('reads the soft open-file limit from /proc/self/limits', () => {
    expect(parseSoftLimit(LIMITS)).toBe(4096);
    expect(parseSoftLimit(LIMITS.replace('4096 ', 'unlimited '))).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseSoftLimit('nothing here')).toBeUndefined();
    expect(openFileLimit(() => LIMITS)).toEqual({ soft: 4096, source: 'proc' });
  });

  it('assumes the usual limit when /proc cannot be read', () => {
    const unreadable = () => {
      throw new Error('ENOENT');
    };
    expect(openFileLimit(unreadable)).toEqual({ soft: ASSUMED_OPEN_FILE_LIMIT, source: 'assumed' });
  });

  it('--max-connections 0 is half the soft open-file limit, saying where it came from', () => {
    expect(listenerLimits(config, { soft: 256, source: 'proc' })).toMatchObject({ maxConnections: 128, maxConnectionsFrom: 'half the open-file limit of 256' });
    expect(listenerLimits(config, { soft: 1024, source: 'assumed' }).maxConnectionsFrom).toContain('assumed');
    expect(listenerLimits(config, { soft: Number.MAX_SAFE_INTEGER, source: 'proc' }).maxConnections).toBe(2 ** 30);
  });

  it('a given --max-connections wins, and seconds become milliseconds', () => {
    expect(listenerLimits({ ...config, maxConnections: 10 }, { soft: 256, source: 'proc' })).toEqual({
      headerTimeoutMs: 20_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 10,
      maxHeaderSize: 16384,
      maxConnectionsFrom: '--max-connections',
    });
  });
});
