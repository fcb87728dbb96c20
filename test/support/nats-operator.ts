/**
 * NATS operator mode for --nats-creds tests: an operator, an account with JetStream and users, with their JWTs
 * signed here by NKeys (what `nsc` would make), and the server configuration that trusts them.
 */
import { randomBytes } from 'node:crypto';
import { nkeys } from '@nats-io/transport-node';

type KeyPair = ReturnType<typeof nkeys.createOperator>;

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A NATS JWT: claims about `subject`, signed by `issuer`. */
function jwt(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const header = encode({ typ: 'JWT', alg: 'ed25519-nkey' });
  const claims = encode({ jti: randomBytes(16).toString('hex').toUpperCase(), iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name, sub: subject, nats: { ...nats, version: 2 } });
  const signature = Buffer.from(issuer.sign(Buffer.from(`${header}.${claims}`))).toString('base64url');
  return `${header}.${claims}.${signature}`;
}

export interface NatsOperator {
  /** Server configuration lines (operator, resolver with the accounts preloaded). */
  serverConfig: string;
  /** A credentials file's text for a new user of the CDN account. */
  userCreds(name: string): string;
  /** A credentials file's text for a user of an account the server does not know. */
  strangerCreds(): string;
}

export function createNatsOperator(): NatsOperator {
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const system = nkeys.createAccount();
  const operatorJwt = jwt(operator, operator.getPublicKey(), 'test-operator', { type: 'operator', system_account: system.getPublicKey() });
  const accountJwt = jwt(operator, account.getPublicKey(), 'cdn', {
    type: 'account',
    limits: { ...UNLIMITED, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
    default_permissions: { pub: {}, sub: {} },
  });
  const systemJwt = jwt(operator, system.getPublicKey(), 'SYS', { type: 'account', limits: UNLIMITED });
  const creds = (issuer: KeyPair, name: string) => {
    const user = nkeys.createUser();
    const token = jwt(issuer, user.getPublicKey(), name, { type: 'user', pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
    const seed = new TextDecoder().decode(user.getSeed());
    return `-----BEGIN NATS USER JWT-----\n${token}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
  };
  return {
    serverConfig: [
      `operator: ${operatorJwt}`,
      `system_account: ${system.getPublicKey()}`,
      'resolver: MEMORY',
      `resolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n  ${system.getPublicKey()}: ${systemJwt}\n}`,
    ].join('\n'),
    userCreds: (name) => creds(account, name),
    strangerCreds: () => creds(nkeys.createAccount(), 'stranger'),
  };
}
