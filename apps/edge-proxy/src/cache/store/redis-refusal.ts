import { isUntrustedCertificate } from '@cdn/shared';

/** Why Redis will not serve us whatever we retry: a password it refuses (auth) or a certificate we refuse (tls). */
export interface RedisRefusal {
  kind: 'auth' | 'tls';
  /** One line naming the flag to fix; the URL is given redacted. */
  message: string;
}

/**
 * Tells a refusal from an outage: Redis being down or slow is waited out quietly (WARNING), but a wrong password
 * or an untrusted certificate is an operator's mistake that no retry fixes, so it is named (ERROR) with its flag.
 * Undefined for anything else.
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
  return undefined;
}
