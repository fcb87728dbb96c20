import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNatsOperator } from '../../../../test/support/nats-operator';
import { NO_NATS_CREDENTIALS } from '../../../../test/support/nats-credential-options';
import { createTestPki, type TestPki } from '../../../../test/support/pki';
import { tempDir } from '../../../../test/support/processes';
import { ConfigError } from '../config/parse-config';
import { readNatsCredentials, type NatsCredentialOptions } from './nats-credentials';

const NONE = NO_NATS_CREDENTIALS;

let dir: string;
let pki: TestPki;
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  fs.writeFileSync(at, text);
  return at;
};

beforeAll(() => {
  dir = tempDir('nats-creds-');
  pki = createTestPki();
});

describe('readNatsCredentials', () => {
  it('gives nothing without options', () => {
    expect(readNatsCredentials(NONE)).toMatchObject({ connectOptions: {}, authFlags: undefined, tls: false });
  });

  it('reads a password file once, without its trailing line break, and names the flags it came from', () => {
    const credentials = readNatsCredentials({ ...NONE, natsUser: 'cdn-edge', natsPasswordFile: file('password', 's3cret\n') });
    expect(credentials.connectOptions).toEqual({ user: 'cdn-edge', pass: 's3cret' });
    expect(credentials.authFlags).toBe('--nats-user and --nats-password-file');
  });

  it('reads a token from a file', () => {
    expect(readNatsCredentials({ ...NONE, natsTokenFile: file('token', 't0ken\r\n') })).toMatchObject({ connectOptions: { token: 't0ken' }, authFlags: '--nats-token-file' });
  });

  it('checks a credentials file and signs with its seed', () => {
    const credentials = readNatsCredentials({ ...NONE, natsCreds: file('user.creds', createNatsOperator().userCreds('cp')) });
    expect(credentials.authFlags).toBe('--nats-creds');
    expect(typeof credentials.connectOptions.authenticator).toBe('function');
  });

  it('reads the CA, the client certificate and its key as PEM text, and turns TLS on', () => {
    const credentials = readNatsCredentials({ ...NONE, natsTlsCa: pki.ca, natsTlsCert: pki.client('edge').cert, natsTlsKey: pki.client('edge').key });
    expect(credentials.tls).toBe(true);
    expect(credentials.connectOptions.tls).toEqual({ ca: fs.readFileSync(pki.ca, 'utf8'), cert: fs.readFileSync(pki.client('edge').cert, 'utf8'), key: fs.readFileSync(pki.client('edge').key, 'utf8') });
  });

  it.each<[string, () => Partial<NatsCredentialOptions>, RegExp]>([
    ['a user without a password', () => ({ natsUser: 'edge' }), /--nats-user needs --nats-password/],
    ['a password without a user', () => ({ natsPassword: 'x' }), /--nats-password needs --nats-user/],
    ['a password twice', () => ({ natsUser: 'edge', natsPassword: 'x', natsPasswordFile: file('p2', 'y') }), /--nats-password or --nats-password-file, not both/],
    ['two identities', () => ({ natsToken: 't', natsUser: 'edge', natsPassword: 'x' }), /only one NATS identity/],
    ['an empty password file', () => ({ natsUser: 'edge', natsPasswordFile: file('empty', '\n') }), /--nats-password-file .* is empty/],
    ['a broken credentials file', () => ({ natsCreds: file('broken.creds', 'hello') }), /--nats-creds .* is not a NATS credentials file/],
    ['a CA that is no certificate', () => ({ natsTlsCa: file('ca.txt', 'hello') }), /--nats-tls-ca .* is not a PEM certificate/],
    ['a certificate without its key', () => ({ natsTlsCert: pki.client('edge').cert }), /--nats-tls-cert needs --nats-tls-key/],
    ['a key of another certificate', () => ({ natsTlsCert: pki.client('edge').cert, natsTlsKey: pki.server.key }), /--nats-tls-key .* is not the key of --nats-tls-cert/],
  ])('refuses %s with a message naming the flag', (_, options, message) => {
    expect(() => readNatsCredentials({ ...NONE, ...options() })).toThrow(ConfigError);
    expect(() => readNatsCredentials({ ...NONE, ...options() })).toThrow(message);
  });
});
