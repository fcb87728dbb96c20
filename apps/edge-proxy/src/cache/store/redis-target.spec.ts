import { describe, expect, it } from 'vitest';
import { readRedisTarget } from './redis-target';

describe('readRedisTarget', () => {
  it('is off without --cache-redis-url', () => {
    expect(readRedisTarget({ cacheRedisUrl: undefined, cacheRedisCluster: false })).toBeUndefined();
  });

  it('takes one URL as one server, its password redacted where it is logged', () => {
    expect(readRedisTarget({ cacheRedisUrl: 'redis://:s3cret@cache:6379', cacheRedisCluster: false })).toEqual({
      kind: 'server',
      url: 'redis://:s3cret@cache:6379',
      where: 'redis://:***@cache:6379',
    });
  });

  it('takes comma-separated URLs with --cache-redis-cluster as seed nodes', () => {
    expect(readRedisTarget({ cacheRedisUrl: 'rediss://:pw@a:7000, rediss://:pw@b:7001', cacheRedisCluster: true })).toEqual({
      kind: 'cluster',
      seeds: ['rediss://:pw@a:7000', 'rediss://:pw@b:7001'],
      where: 'rediss://:***@a:7000,rediss://:***@b:7001',
    });
    expect(readRedisTarget({ cacheRedisUrl: 'redis://a:7000', cacheRedisCluster: true })).toMatchObject({ kind: 'cluster', seeds: ['redis://a:7000'] });
  });

  it.each([
    [{ cacheRedisUrl: undefined, cacheRedisCluster: true }, '--cache-redis-cluster needs --cache-redis-url naming one or more nodes of the cluster'],
    [{ cacheRedisUrl: 'redis://a:7000,redis://b:7001', cacheRedisCluster: false }, '--cache-redis-url names 2 servers: add --cache-redis-cluster if they are nodes of one Redis Cluster (one server takes one URL)'],
    [{ cacheRedisUrl: 'redis://a:7000,rediss://b:7001', cacheRedisCluster: true }, /^--cache-redis-url: the seed nodes of a cluster take one scheme .* and one password/],
    [{ cacheRedisUrl: 'redis://:one@a:7000,redis://:two@b:7001', cacheRedisCluster: true }, /one password/],
    [{ cacheRedisUrl: 'redis://a:7000/2', cacheRedisCluster: true }, '--cache-redis-url: a Redis Cluster has only database 0; leave the /<db> out'],
  ])('stops the start naming the flag, given %j', (config, message) => {
    expect(() => readRedisTarget(config)).toThrow(message);
  });

  it('never echoes a password in its messages', () => {
    expect(() => readRedisTarget({ cacheRedisUrl: 'redis://:s3cret@a:7000,redis://:s3cret@b:7001', cacheRedisCluster: false })).toThrow(/^(?!.*s3cret)/);
  });
});
