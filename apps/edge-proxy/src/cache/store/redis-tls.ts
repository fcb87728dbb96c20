import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { type CdnConfig, StartupError } from '@cdn/shared';

/**
 * The CA of a rediss:// shared tier, read once at start-up (--cache-redis-tls-ca): undefined to trust the system
 * CAs. Throws a StartupError naming the flag when the file is no certificate or the URL is not rediss://.
 */
export function readRedisTlsCa(config: Pick<CdnConfig, 'cacheRedisUrl' | 'cacheRedisTlsCa'>): string | undefined {
  const file = config.cacheRedisTlsCa;
  if (file === undefined) return undefined;
  if (!config.cacheRedisUrl?.startsWith('rediss://')) throw new StartupError('--cache-redis-tls-ca is for TLS: give a rediss:// --cache-redis-url, or leave it out');
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
    new X509Certificate(pem);
  } catch {
    throw new StartupError(`--cache-redis-tls-ca ${file} is not a readable PEM certificate`);
  }
  return pem;
}
