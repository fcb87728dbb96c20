/** connectNats against real nats-servers that check who connects: users, tokens, operator JWTs and TLS. */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConfiguredNats } from '../../../../test/support/configured-nats';
import { createNatsOperator } from '../../../../test/support/nats-operator';
import { NO_NATS_CREDENTIALS } from '../../../../test/support/nats-credential-options';
import { createTestPki, type TestPki } from '../../../../test/support/pki';
import { eventually, freePort } from '../../../../test/support/ports';
import { startNats, stopAll, tempDir } from '../../../../test/support/processes';
import { createLogger } from '../logging/logger';
import { StartupError } from '../process/startup-error';
import { connectNats, type NatsProblemKind } from './nats-connection';
import { createNatsRoutingSource } from './nats-routing-source';
import { readNatsCredentials, type NatsCredentialOptions } from './nats-credentials';

const NONE = NO_NATS_CREDENTIALS;

const PASSWORD = 'correct-horse-battery-staple';
const USERS = `authorization { users: [ { user: cdn-edge, password: "${PASSWORD}" } ] }`;

function recordingLogger() {
  const lines: string[] = [];
  const records: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(line);
        records.push(JSON.parse(line));
      }
      done();
    },
  });
  return { lines, records, logger: createLogger({ name: 'nats-test', level: 'DEBUG', destination }) };
}

let dir: string;
let pki: TestPki;
const open: NatsConnection[] = [];
const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  fs.writeFileSync(at, text);
  return at;
};

beforeAll(() => {
  dir = tempDir('nats-sec-');
  pki = createTestPki();
});

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close()));
  await stopAll();
});

async function connected(promise: Promise<NatsConnection>): Promise<NatsConnection> {
  const nc = await promise;
  open.push(nc);
  await nc.flush();
  return nc;
}

describe('connectNats with credentials', () => {
  it('connects with --nats-user and --nats-password-file, and the password never reaches the log', async () => {
    const nats = await startConfiguredNats({ config: USERS });
    const log = recordingLogger();
    const credentials = readNatsCredentials({ ...NONE, natsUser: 'cdn-edge', natsPasswordFile: file('password', `${PASSWORD}\n`) });
    const nc = await connected(connectNats({ servers: `nats://cdn-edge:${PASSWORD}@127.0.0.1:${nats.port}`, name: 't', logger: log.logger, credentials }));
    expect(nc.isClosed()).toBe(false);
    expect(log.records.map((r) => r.msg)).toContain(`connecting to NATS at nats://cdn-edge:***@127.0.0.1:${nats.port} (as --nats-user and --nats-password-file)`);
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
  });

  it('connects with --nats-token', async () => {
    const nats = await startConfiguredNats({ config: 'authorization { token: "t0ken-for-the-cdn" }' });
    const credentials = readNatsCredentials({ ...NONE, natsToken: 't0ken-for-the-cdn' });
    await connected(connectNats({ servers: nats.url, name: 't', logger: recordingLogger().logger, credentials }));
  });

  it('connects with --nats-creds (a user JWT and its NKey seed) and uses JetStream', async () => {
    const operator = createNatsOperator();
    const nats = await startConfiguredNats({ config: operator.serverConfig });
    const credentials = readNatsCredentials({ ...NONE, natsCreds: file('cp.creds', operator.userCreds('cdn-control-plane')) });
    const nc = await connected(connectNats({ servers: nats.url, name: 't', logger: recordingLogger().logger, credentials }));
    await expect((await jetstreamManager(nc)).getAccountInfo()).resolves.toBeDefined();
  });

  it.each<[string, () => Promise<{ config: string }>, () => NatsCredentialOptions, RegExp]>([
    [
      'a wrong password, naming --nats-password',
      async () => ({ config: USERS }),
      () => ({ ...NONE, natsUser: 'cdn-edge', natsPassword: 'wrong' }),
      /^NATS at nats:\/\/127\.0\.0\.1:\d+ refused the credentials of --nats-user and --nats-password \(Authorization Violation\); check --nats-user and --nats-password$/,
    ],
    [
      'no credentials where the server wants some, naming the flags that give them',
      async () => ({ config: USERS }),
      () => NONE,
      /requires credentials \(Authorization Violation\); give --nats-user and --nats-password, --nats-token or --nats-creds$/,
    ],
    [
      'a credentials file of an account the server does not know, naming --nats-creds',
      async () => ({ config: createNatsOperator().serverConfig }),
      () => ({ ...NONE, natsCreds: file('stranger.creds', createNatsOperator().strangerCreds()) }),
      /refused the credentials of --nats-creds \(Authorization Violation\); check --nats-creds$/,
    ],
  ])('refuses %s (whenRefused fail)', async (_, server, options, message) => {
    const nats = await startConfiguredNats(await server());
    const problems: NatsProblemKind[] = [];
    const started = Date.now();
    const refused = connectNats({ servers: nats.url, name: 't', logger: recordingLogger().logger, credentials: readNatsCredentials(options()), whenRefused: 'fail', onProblem: (k) => problems.push(k) });
    await expect(refused).rejects.toThrow(StartupError);
    await expect(refused).rejects.toThrow(message);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(problems).toEqual(['auth']);
  });

  it('an edge refused by NATS logs it at ERROR, keeps trying, and connects once the server accepts its user', async () => {
    const nats = await startConfiguredNats({ config: 'authorization { users: [ { user: somebody-else, password: "x" } ] }' });
    const log = recordingLogger();
    const problems: NatsProblemKind[] = [];
    const credentials = readNatsCredentials({ ...NONE, natsUser: 'cdn-edge', natsPassword: PASSWORD });
    const connecting = connected(connectNats({ servers: nats.url, name: 't', logger: log.logger, credentials, onProblem: (k) => problems.push(k) }));
    await eventually(() => log.records.some((r) => r.level === 50 && r.msg.includes('refused the credentials of --nats-user and --nats-password')));
    expect(problems[0]).toBe('auth');

    await nats.reload(USERS);
    const nc = await connecting;
    expect(nc.isClosed()).toBe(false);
    expect(log.lines.join('\n')).not.toContain(PASSWORD);
  }, 20_000);

  it('a connection whose user is removed says so at ERROR, keeps trying, and is back once the user is', async () => {
    const nats = await startConfiguredNats({ config: USERS });
    const log = recordingLogger();
    const problems: NatsProblemKind[] = [];
    const credentials = readNatsCredentials({ ...NONE, natsUser: 'cdn-edge', natsPassword: PASSWORD });
    const nc = await connected(connectNats({ servers: nats.url, name: 't', logger: log.logger, credentials, onProblem: (k) => problems.push(k) }));

    await nats.reload('authorization { users: [ { user: somebody-else, password: "x" } ] }');
    await eventually(() => log.records.some((r) => r.level === 50 && r.msg.includes('refused the credentials of --nats-user and --nats-password') && r.msg.endsWith('; reconnecting')), 10_000);
    expect(problems).toContain('auth');

    await nats.reload(USERS);
    await eventually(() => log.records.some((r) => r.level === 30 && r.msg.startsWith('reconnected to NATS')), 10_000);
    await nc.flush();
  }, 30_000);

  it('a user missing a permission: one ERROR naming the subject however often it is retried, counted every time', async () => {
    // This edge user may not create the consumer of a watch.
    const nats = await startConfiguredNats({
      config: `authorization { users: [ { user: cdn-edge, password: "${PASSWORD}", permissions: { publish: { allow: ["$JS.API.INFO", "$JS.API.STREAM.INFO.KV_cdn_routing", "$KV.cdn_routing.>", "$JS.API.STREAM.CREATE.KV_cdn_routing"] }, subscribe: { allow: ["_INBOX.>"] } } } ] }`,
    });
    const log = recordingLogger();
    const problems: NatsProblemKind[] = [];
    const credentials = readNatsCredentials({ ...NONE, natsUser: 'cdn-edge', natsPassword: PASSWORD });
    const nc = await connected(connectNats({ servers: nats.url, name: 't', logger: log.logger, credentials, onProblem: (k) => problems.push(k) }));
    const source = createNatsRoutingSource({ nc, logger: log.logger });
    void source.start(() => undefined);
    try {
      await eventually(() => problems.filter((k) => k === 'permission').length >= 3, 10_000);
      const refused = log.records.filter((r) => r.level === 50).map((r) => r.msg);
      expect(refused).toEqual([
        'NATS refused to let this user publish $JS.API.CONSUMER.CREATE.KV_cdn_routing.oc_*.$KV.cdn_routing.> (Permissions Violation for Publish to "$JS.API.CONSUMER.CREATE.KV_cdn_routing.oc_*.$KV.cdn_routing.>"); allow it in the user\'s permissions on the server (see the README\'s NATS permissions example)',
      ]);
      expect(log.records.filter((r) => r.level === 40 && r.msg.startsWith('cannot watch routing bucket'))).toHaveLength(1);
    } finally {
      await source.close();
    }
  }, 20_000);

  it('waits for a server that cannot be reached (WARNING), rather than refusing it', async () => {
    const log = recordingLogger();
    const problems: NatsProblemKind[] = [];
    const port = await freePort();
    const connecting = connectNats({ servers: `nats://127.0.0.1:${port}`, name: 't', logger: log.logger, whenRefused: 'fail', onProblem: (k) => problems.push(k) });
    await eventually(() => log.records.some((r) => r.level === 40 && r.msg.startsWith(`cannot reach NATS at nats://127.0.0.1:${port}`)));
    expect(problems.every((k) => k === 'unreachable')).toBe(true);
    await startNats({ port });
    await connected(connecting);
  });
});

describe('connectNats over TLS', () => {
  const tlsConfig = (p: TestPki) => `tls { cert_file: "${p.server.cert}", key_file: "${p.server.key}", ca_file: "${p.ca}", verify: true }`;

  it('connects with --nats-tls-ca and a client certificate (mutual TLS)', async () => {
    const nats = await startConfiguredNats({ config: tlsConfig(pki) });
    const credentials = readNatsCredentials({ ...NONE, natsTlsCa: pki.ca, natsTlsCert: pki.client('edge').cert, natsTlsKey: pki.client('edge').key });
    const log = recordingLogger();
    await connected(connectNats({ servers: nats.url, name: 't', logger: log.logger, credentials }));
    expect(log.records.map((r) => r.msg)).toContain(`connecting to NATS at ${nats.url} (over TLS with a client certificate)`);
  });

  it.each<[string, () => NatsCredentialOptions, RegExp]>([
    [
      'a server certificate that --nats-tls-ca does not sign',
      () => ({ ...NONE, natsTlsCa: pki.otherCa, natsTlsCert: pki.client('edge').cert, natsTlsKey: pki.client('edge').key }),
      /presented a certificate that --nats-tls-ca does not trust \(.*\); check --nats-tls-ca$/,
    ],
    [
      'a server certificate without --nats-tls-ca',
      () => NONE,
      /presented a certificate that the system CAs do not trust \(.*\); give its CA with --nats-tls-ca$/,
    ],
    [
      'a client certificate the server does not trust',
      () => ({ ...NONE, natsTlsCa: pki.ca, natsTlsCert: pki.strangerClient.cert, natsTlsKey: pki.strangerClient.key }),
      /rejected the client certificate of --nats-tls-cert \(bad certificate\); check --nats-tls-cert and --nats-tls-key$/,
    ],
    [
      'no client certificate where the server wants one',
      () => ({ ...NONE, natsTlsCa: pki.ca }),
      /requires a client certificate \(bad certificate\); give --nats-tls-cert and --nats-tls-key$/,
    ],
  ])('refuses %s with one line naming the flag', async (_, options, message) => {
    const nats = await startConfiguredNats({ config: tlsConfig(pki) });
    const problems: NatsProblemKind[] = [];
    const refused = connectNats({ servers: nats.url, name: 't', logger: recordingLogger().logger, credentials: readNatsCredentials(options()), whenRefused: 'fail', onProblem: (k) => problems.push(k) });
    await expect(refused).rejects.toThrow(message);
    expect(problems).toEqual(['tls']);
  }, 20_000);
});
