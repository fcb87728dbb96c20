/** Options that connect the split programs to a NATS server that checks who they are. */
import { integerIn, nonEmpty, readableFile } from '../option-parsers';
import { ALL, CP, type OptionSpec } from '../option-spec';
import type { OptionName } from '../options';

export const NATS_OPTIONS = {
  natsCreds: {
    key: 'natsCreds', programs: ALL, splitOnly: true, flags: '--nats-creds <file>', description: 'NATS credentials file (JWT and NKey seed)',
    env: 'CDN_NATS_CREDS', parse: readableFile,
  },
  natsUser: { key: 'natsUser', programs: ALL, splitOnly: true, flags: '--nats-user <user>', description: 'NATS user name (with a password)', env: 'CDN_NATS_USER', parse: nonEmpty },
  natsPassword: {
    key: 'natsPassword', programs: ALL, splitOnly: true, flags: '--nats-password <password>', description: 'NATS password (prefer the variable or the file: flags show in ps)',
    env: 'CDN_NATS_PASSWORD', parse: nonEmpty,
  },
  natsPasswordFile: {
    key: 'natsPasswordFile', programs: ALL, splitOnly: true, flags: '--nats-password-file <path>', description: 'file holding the NATS password',
    env: 'CDN_NATS_PASSWORD_FILE', parse: readableFile,
  },
  natsToken: {
    key: 'natsToken', programs: ALL, splitOnly: true, flags: '--nats-token <token>', description: 'NATS authentication token (prefer the variable or the file)',
    env: 'CDN_NATS_TOKEN', parse: nonEmpty,
  },
  natsTokenFile: {
    key: 'natsTokenFile', programs: ALL, splitOnly: true, flags: '--nats-token-file <path>', description: 'file holding the NATS token',
    env: 'CDN_NATS_TOKEN_FILE', parse: readableFile,
  },
  natsTlsCa: {
    key: 'natsTlsCa', programs: ALL, splitOnly: true, flags: '--nats-tls-ca <file>', description: 'CA certificate (PEM) that signs the NATS server\'s certificate; turns TLS on',
    env: 'CDN_NATS_TLS_CA', parse: readableFile,
  },
  natsTlsCert: {
    key: 'natsTlsCert', programs: ALL, splitOnly: true, flags: '--nats-tls-cert <file>', description: 'client certificate (PEM) for NATS servers that verify clients',
    env: 'CDN_NATS_TLS_CERT', parse: readableFile,
  },
  natsTlsKey: {
    key: 'natsTlsKey', programs: ALL, splitOnly: true, flags: '--nats-tls-key <file>', description: 'private key (PEM) of --nats-tls-cert',
    env: 'CDN_NATS_TLS_KEY', parse: readableFile,
  },
  natsReplicas: {
    key: 'natsReplicas', programs: CP, splitOnly: true, flags: '--nats-replicas <n>', description: 'copies the NATS cluster keeps of each bucket (created or updated to match)',
    env: 'CDN_NATS_REPLICAS', parse: integerIn(1, 5), default: 1,
  },
} satisfies Partial<Record<OptionName, OptionSpec>>;
