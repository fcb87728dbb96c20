import { isUntrustedCertificate } from '@cdn/shared';

/** Why Redis will not serve us whatever we retry: a password it refuses (auth), a certificate we refuse (tls), or the wrong kind of Redis for the flags (config). */
export interface RedisRefusal {
  kind: 'auth' | 'tls' | 'config';
  /** One line naming the flag to fix; the URL is given redacted. */
  message: string;
}

/**
 * A Redis given as one server that is no lone server: a cluster node would answer MOVED for every slot it does not
 * serve, a Sentinel knows no GET or SET.
 */
export class RedisModeError extends Error {
  constructor(readonly mode: 'cluster' | 'sentinel') {
    super(`INFO server says redis_mode:${mode}`);
    this.name = 'RedisModeError';
  }
}

/**
 * Tells a refusal from an outage: Redis being down or slow is waited out quietly (WARNING), but a wrong password,
 * an untrusted certificate or the wrong kind of Redis is an operator's mistake that no retry fixes, so it is named
 * (ERROR) with its flag. Undefined for anything else.
 */
export function redisRefusal(err: unknown, where: string, tlsCaGiven: boolean): RedisRefusal | undefined {
  const error = err as { message?: string; code?: string } | undefined;
  const detail = error?.message ?? String(err);
  if (/^WRONGPASS|^NOPERM|invalid password|invalid username-password/i.test(detail)) {
    return { kind: 'auth', message: `${where} refused the password in --cache-redis-url (${detail})` };
  }
  if (/^NOAUTH/.test(detail)) {
    return { kind: 'auth', message: `${where} requires a password (${detail}); give it in --cache-redis-url as redis://:<password>@host:port` };
  }
  if (isUntrustedCertificate(error?.code, { alsoWrongHost: true })) {
    const fix = error?.code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'use a host name its certificate holds in --cache-redis-url' : tlsCaGiven ? 'check --cache-redis-tls-ca' : 'give its CA with --cache-redis-tls-ca';
    return { kind: 'tls', message: `${where} presented a certificate that is not trusted (${detail}); ${fix}` };
  }
  // Found by the server connection's check (INFO server), not from MOVED replies: CLUSTERDOWN during a failover is an outage.
  if (err instanceof RedisModeError && err.mode === 'cluster') {
    return { kind: 'config', message: `${where} is a node of a Redis Cluster (${detail}); add --cache-redis-cluster, and list some of its nodes in --cache-redis-url` };
  }
  if (err instanceof RedisModeError) {
    return { kind: 'config', message: `${where} is a Redis Sentinel (${detail}), which the shared tier does not speak; give the master's address, or a proxy that follows the master, in --cache-redis-url` };
  }
  // CLUSTER SLOTS, asked only of a cluster's seeds, answers this on a lone server.
  if (/cluster support disabled/i.test(detail)) {
    return { kind: 'config', message: `${where} is not a node of a Redis Cluster (${detail}); leave out --cache-redis-cluster for a single server` };
  }
  return undefined;
}
