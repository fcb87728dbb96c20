import type { NatsCredentials } from './nats-credentials';
import { firstServerAddress, probeNatsTls } from './nats-tls-probe';
import { isUntrustedCertificate } from '../tls/untrusted-certificate';

/**
 * Why a connection attempt failed, as the operator must act on it:
 * - unreachable: nothing answered (down, starting, partitioned): wait and retry;
 * - auth: the server refused who we say we are (wrong or missing credentials): retrying changes nothing;
 * - tls: one side does not trust the other's certificate: retrying changes nothing either.
 */
export type NatsFailureKind = 'unreachable' | 'auth' | 'tls';

export interface NatsFailure {
  kind: NatsFailureKind;
  /** One line naming the flag to change; never a secret. */
  message: string;
}

/**
 * Names what went wrong with a first connection to `where` (the redacted --nats-url). A timeout over TLS
 * is probed once more by hand, because a server that refuses our client certificate looks like one that
 * never answers (see probeNatsTls).
 */
export async function explainNatsFailure(err: unknown, where: string, servers: readonly string[], credentials: NatsCredentials): Promise<NatsFailure> {
  const error = err as Error & { code?: string; cause?: { code?: string } };
  const detail = error?.message ?? String(err);
  const code = error?.code ?? error?.cause?.code;
  const name = error?.name ?? '';

  if (name === 'AuthorizationError' || name === 'UserAuthenticationExpiredError' || /authorization violation|authentication/i.test(detail)) {
    return {
      kind: 'auth',
      message: credentials.authFlags
        ? `NATS at ${where} refused the credentials of ${credentials.authFlags} (${detail}); check ${credentials.authFlags}`
        : `NATS at ${where} requires credentials (${detail}); give --nats-user and --nats-password, --nats-token or --nats-creds`,
    };
  }
  if (isUntrustedCertificate(code)) {
    return {
      kind: 'tls',
      message: credentials.tlsCaFlag
        ? `NATS at ${where} presented a certificate that --nats-tls-ca does not trust (${detail}); check --nats-tls-ca`
        : `NATS at ${where} presented a certificate that the system CAs do not trust (${detail}); give its CA with --nats-tls-ca`,
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return { kind: 'tls', message: `NATS at ${where} presented a certificate for another host (${detail}); connect by a name it holds (--nats-url) or reissue it` };
  }
  if (credentials.tls && /tls/i.test(detail) && /not available|required|support/i.test(detail)) {
    return { kind: 'tls', message: `NATS at ${where} does not offer TLS (${detail}); remove --nats-tls-* or enable tls on the server` };
  }
  if (credentials.tls && (name === 'TimeoutError' || /timeout/i.test(detail))) {
    const refused = await clientCertificateRefusal(servers, credentials);
    if (refused) return refused(where);
  }
  const hint = credentials.tls && !credentials.tlsCertFlags ? ' (a server that requires a client certificate looks like this: --nats-tls-cert and --nats-tls-key)' : '';
  return { kind: 'unreachable', message: `cannot reach NATS at ${where}: ${detail}${hint}` };
}

async function clientCertificateRefusal(servers: readonly string[], credentials: NatsCredentials): Promise<((where: string) => NatsFailure) | undefined> {
  const address = firstServerAddress(servers);
  const tls = credentials.connectOptions.tls;
  if (!address || !tls) return undefined;
  const alert = await probeNatsTls(address.host, address.port, { ca: tls.ca, cert: tls.cert, key: tls.key });
  if (!alert || !/alert|certificate/i.test(alert.message)) return undefined;
  const reason = /certificate required/i.test(alert.message) ? 'certificate required' : 'bad certificate';
  return (where) => ({
    kind: 'tls',
    message: credentials.tlsCertFlags
      ? `NATS at ${where} rejected the client certificate of --nats-tls-cert (${reason}); check --nats-tls-cert and --nats-tls-key`
      : `NATS at ${where} requires a client certificate (${reason}); give --nats-tls-cert and --nats-tls-key`,
  });
}
