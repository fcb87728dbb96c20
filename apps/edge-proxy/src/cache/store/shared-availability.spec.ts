import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSharedAvailability } from './shared-availability';

/** An availability on a fake clock, and the lines it logged as `LEVEL message`. */
function observed() {
  const lines: string[] = [];
  const levels: Record<number, string> = { 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR' };
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(`${levels[JSON.parse(line).level]} ${JSON.parse(line).msg}`) });
  let clock = 1_000;
  const health = createSharedAvailability(logger, 'redis://cache:6379', () => clock);
  return { health, lines, advance: (ms: number) => (clock += ms) };
}

describe('shared availability', () => {
  it('logs one connected line at the start', () => {
    const { health, lines } = observed();
    expect(health.available).toBe(false);
    health.markUp();
    expect(health.available).toBe(true);
    expect(lines).toEqual(['INFO Shared cache connected to redis://cache:6379']);
  });

  it('logs an outage once when it begins and once, with its length, when it ends', () => {
    const { health, lines, advance } = observed();
    health.markUp();
    health.markDown('connect ECONNREFUSED');
    health.markDown('connect ECONNREFUSED again');
    advance(2_345);
    health.markUp();
    expect(lines.slice(1)).toEqual([
      'WARNING Shared cache unavailable: connect ECONNREFUSED; serving from nodes',
      'INFO Shared cache available again at redis://cache:6379 after 2.3 s',
    ]);
  });

  it('keeps the tier in use while part of a cluster is lost, and counts the episode from its first loss', () => {
    const { health, lines, advance } = observed();
    health.markUp();
    health.markPartial('a:1 (slots 0-5460) unreachable');
    expect(health.available).toBe(true);
    advance(1_000);
    health.markDown('nothing answers');
    expect(health.available).toBe(false);
    health.markPartial('a:1 (slots 0-5460) unreachable');
    advance(1_500);
    health.markUp();
    expect(lines.slice(1)).toEqual([
      'WARNING Shared cache partly unavailable: a:1 (slots 0-5460) unreachable; the keys there are served from nodes',
      'DEBUG Shared cache now wholly unavailable: nothing answers',
      'DEBUG Shared cache partly available again: a:1 (slots 0-5460) unreachable',
      'INFO Shared cache available again at redis://cache:6379 after 2.5 s',
    ]);
  });

  it('names a refusal at ERROR even during an outage, and holds it until Redis takes us', () => {
    const { health, lines } = observed();
    health.markDown('connect ECONNREFUSED');
    health.markRefused('redis://cache:6379 refused the password in --cache-redis-url (WRONGPASS)');
    health.markDown('connect ECONNREFUSED');
    health.markPartial('a:1 unreachable');
    expect(health.available).toBe(false);
    expect(lines).toEqual([
      'WARNING Shared cache unavailable: connect ECONNREFUSED; serving from nodes',
      'ERROR Shared cache unavailable: redis://cache:6379 refused the password in --cache-redis-url (WRONGPASS); serving from nodes',
    ]);
  });
});
