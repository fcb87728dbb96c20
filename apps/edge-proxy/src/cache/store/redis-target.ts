import { type CdnConfig, redactUrl, StartupError } from '@cdn/shared';

/**
 * Where the shared tier lives: one Redis server, or a Redis Cluster reached through some of its nodes (seeds; the
 * client learns the rest from CLUSTER SLOTS). `where` is the --cache-redis-url as it may be logged (passwords redacted).
 */
export type RedisTarget = { kind: 'server'; url: string; where: string } | { kind: 'cluster'; seeds: string[]; where: string };

/**
 * Reads --cache-redis-url and --cache-redis-cluster once at start-up: undefined when the shared tier is off. Throws a
 * StartupError naming the flag when they do not go together.
 */
export function readRedisTarget(config: Pick<CdnConfig, 'cacheRedisUrl' | 'cacheRedisCluster'>): RedisTarget | undefined {
  if (config.cacheRedisUrl === undefined) {
    if (config.cacheRedisCluster) throw new StartupError('--cache-redis-cluster needs --cache-redis-url naming one or more nodes of the cluster');
    return undefined;
  }
  const urls = config.cacheRedisUrl.split(',').map((url) => url.trim()).filter((url) => url !== '');
  const where = redactUrl(urls.join(','));
  if (!config.cacheRedisCluster) {
    if (urls.length > 1) {
      throw new StartupError(`--cache-redis-url names ${urls.length} servers: add --cache-redis-cluster if they are nodes of one Redis Cluster (one server takes one URL)`);
    }
    return { kind: 'server', url: urls[0], where };
  }
  const parsed = urls.map((url) => new URL(url));
  const [first] = parsed;
  // The nodes the client discovers get the seeds' scheme and credentials: seeds that disagree would leave some unreachable.
  if (parsed.some((url) => url.protocol !== first.protocol || url.username !== first.username || url.password !== first.password)) {
    throw new StartupError('--cache-redis-url: the seed nodes of a cluster take one scheme (redis:// or rediss://) and one password, which every node of the cluster is reached with');
  }
  if (parsed.some((url) => url.pathname !== '' && url.pathname !== '/' && url.pathname !== '/0')) {
    throw new StartupError('--cache-redis-url: a Redis Cluster has only database 0; leave the /<db> out');
  }
  return { kind: 'cluster', seeds: urls, where };
}
