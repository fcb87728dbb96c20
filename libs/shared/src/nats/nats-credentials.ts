import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { credsAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';
import { ConfigError } from '../config/parse-config';
import type { CdnConfig } from '../config/options';

/** The --nats-* options that say who a program is to NATS and how it checks the server. */
export type NatsCredentialOptions = Pick<
  CdnConfig,
  'natsCreds' | 'natsUser' | 'natsPassword' | 'natsPasswordFile' | 'natsToken' | 'natsTokenFile' | 'natsTlsCa' | 'natsTlsCert' | 'natsTlsKey'
>;

/**
 * How a program proves who it is to NATS, read once at start-up. The secrets live only in `connectOptions`,
 * which goes to nats.js and nowhere else; the rest names flags for messages and is safe to log.
 */
export interface NatsCredentials {
  /** user/pass, token or a creds authenticator, and tls: spread into nats.js connect(). */
  readonly connectOptions: Pick<ConnectionOptions, 'user' | 'pass' | 'token' | 'authenticator' | 'tls'>;
  /** The flags that gave the identity ("--nats-user and --nats-password-file"), or undefined when there is none. */
  readonly authFlags: string | undefined;
  /** True when the client speaks TLS (any --nats-tls-* option). */
  readonly tls: boolean;
  readonly tlsCaFlag: string | undefined;
  readonly tlsCertFlags: string | undefined;
}

/** No identity, no TLS: what a program without --nats-* options presents. */
export const NO_NATS_CREDENTIALS: NatsCredentials = Object.freeze({ connectOptions: {}, authFlags: undefined, tls: false, tlsCaFlag: undefined, tlsCertFlags: undefined });

/**
 * Reads the secret files and certificates once, checks that the options fit together, and throws a
 * ConfigError naming the flag when they do not (a user without a password, two kinds of identity,
 * a certificate without its key, a file that holds no PEM).
 */
export function readNatsCredentials(options: NatsCredentialOptions): NatsCredentials {
  const password = secret(options.natsPassword, '--nats-password', options.natsPasswordFile, '--nats-password-file');
  const token = secret(options.natsToken, '--nats-token', options.natsTokenFile, '--nats-token-file');
  const kinds = [options.natsCreds && '--nats-creds', (options.natsUser || password) && '--nats-user/--nats-password', token && '--nats-token'].filter(Boolean);
  if (kinds.length > 1) throw new ConfigError(`give only one NATS identity, got ${kinds.join(' and ')}`);
  if (options.natsUser && !password) throw new ConfigError('--nats-user needs --nats-password, --nats-password-file or CDN_NATS_PASSWORD');
  if (password && !options.natsUser) throw new ConfigError(`${password.flag} needs --nats-user`);

  const connectOptions: NatsCredentials['connectOptions'] = {};
  let authFlags: string | undefined;
  if (options.natsCreds) {
    connectOptions.authenticator = readCreds(options.natsCreds);
    authFlags = '--nats-creds';
  } else if (options.natsUser && password) {
    Object.assign(connectOptions, { user: options.natsUser, pass: password.value });
    authFlags = `--nats-user and ${password.flag}`;
  } else if (token) {
    connectOptions.token = token.value;
    authFlags = token.flag;
  }

  if (Boolean(options.natsTlsCert) !== Boolean(options.natsTlsKey)) {
    throw new ConfigError(options.natsTlsCert ? '--nats-tls-cert needs --nats-tls-key' : '--nats-tls-key needs --nats-tls-cert');
  }
  const tls = Boolean(options.natsTlsCa || options.natsTlsCert);
  if (tls) {
    connectOptions.tls = {
      ...(options.natsTlsCa && { ca: readCertificate(options.natsTlsCa, '--nats-tls-ca') }),
      ...(options.natsTlsCert && options.natsTlsKey && readKeyPair(options.natsTlsCert, options.natsTlsKey)),
    };
  }
  return {
    connectOptions,
    authFlags,
    tls,
    tlsCaFlag: options.natsTlsCa ? '--nats-tls-ca' : undefined,
    tlsCertFlags: options.natsTlsCert ? '--nats-tls-cert and --nats-tls-key' : undefined,
  };
}

/** A secret given inline or in a file (one or the other); a file's trailing line break is not part of it. */
function secret(inline: string | undefined, inlineFlag: string, file: string | undefined, fileFlag: string): { value: string; flag: string } | undefined {
  if (inline !== undefined && file !== undefined) throw new ConfigError(`give ${inlineFlag} or ${fileFlag}, not both`);
  if (inline !== undefined) return { value: inline, flag: inlineFlag };
  if (file === undefined) return undefined;
  const value = readText(file, fileFlag).replace(/\r?\n$/, '');
  if (value.trim() === '') throw new ConfigError(`${fileFlag} ${file} is empty`);
  return { value, flag: fileFlag };
}

function readText(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${flag} ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Checked now (the seed signs a test nonce) so that a broken file stops the start instead of every connection. */
function readCreds(file: string): NonNullable<ConnectionOptions['authenticator']> {
  const text = readText(file, '--nats-creds');
  try {
    const authenticator = credsAuthenticator(new TextEncoder().encode(text));
    authenticator('check');
    return authenticator;
  } catch {
    throw new ConfigError(`--nats-creds ${file} is not a NATS credentials file (a user JWT and its NKey seed)`);
  }
}

function readCertificate(file: string, flag: string): string {
  const pem = readText(file, flag);
  try {
    new X509Certificate(pem);
  } catch {
    throw new ConfigError(`${flag} ${file} is not a PEM certificate`);
  }
  return pem;
}

function readKeyPair(certFile: string, keyFile: string): { cert: string; key: string } {
  const cert = readCertificate(certFile, '--nats-tls-cert');
  const key = readText(keyFile, '--nats-tls-key');
  let matches: boolean;
  try {
    matches = new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new ConfigError(`--nats-tls-key ${keyFile} is not a PEM private key`);
  }
  if (!matches) throw new ConfigError(`--nats-tls-key ${keyFile} is not the key of --nats-tls-cert ${certFile}`);
  return { cert, key };
}
