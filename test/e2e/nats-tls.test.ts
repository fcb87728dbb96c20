/**
 * The split programs over mutual TLS, with certificates made by openssl for the test, and the users of
 * deploy/nats/cdn-users.conf: the server checks both the client certificate and the password.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDN_USER_PASSWORDS, permissionViolations, startNatsWithCdnUsers } from '../support/cdn-nats-users';
import type { ConfiguredNats } from '../support/configured-nats';
import { get, post } from '../support/http';
import { startOrigin, type Origin } from '../support/origin';
import { createTestPki, type TestPki } from '../support/pki';
import { eventually, freePort } from '../support/ports';
import { APPS, startApp, stopAll, tempDir } from '../support/processes';

const CP_PASSWORD = CDN_USER_PASSWORDS.controlPlane;
const EDGE_PASSWORD = CDN_USER_PASSWORDS.edge;

describe('NATS over mutual TLS', () => {
  let pki: TestPki;
  let nats: ConfiguredNats;
  let origin: Origin;

  beforeAll(async () => {
    pki = createTestPki();
    nats = await startNatsWithCdnUsers(`tls { cert_file: "${pki.server.cert}", key_file: "${pki.server.key}", ca_file: "${pki.ca}", verify: true }`);
    origin = await startOrigin('origin');
  });

  afterAll(async () => {
    await stopAll();
    await origin?.close();
  });

  const tlsFlags = (client: string, ca = pki.ca) => ['--nats-tls-ca', ca, '--nats-tls-cert', pki.client(client).cert, '--nats-tls-key', pki.client(client).key];

  it('the control plane and an edge route, report and purge with certificates and passwords', async () => {
    const controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--nats-user', 'cdn-control-plane', ...tlsFlags('cdn-control-plane')], { env: { CDN_NATS_PASSWORD: CP_PASSWORD } });
    const edge = await startApp('edge', ['--nats-url', nats.url, '--nats-user', 'cdn-edge', '--edge-id', 'edge-tls', ...tlsFlags('cdn-edge')], { env: { CDN_NATS_PASSWORD: EDGE_PASSWORD } });
    await post(`${controlPlane.url}/register_node`, { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 });
    await eventually(async () => (await get(`${edge.url}/cdn/over-tls`)).status === 200, 10_000);
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges.some((e: { id: string }) => e.id === 'edge-tls'), 10_000);
    const purge = await post(`${controlPlane.url}/cache/purge`, { urls: ['/cdn/over-tls'] });
    await eventually(async () => (await get(`${controlPlane.url}/operations/${purge.body.operation_id}`)).body.complete === true, 10_000);
    expect(permissionViolations(nats)).toEqual([]);
  });

  it('a server certificate that --nats-tls-ca does not sign stops the control plane with one line naming --nats-tls-ca', async () => {
    const result = spawnSync(
      process.execPath,
      [APPS.controlPlane, '--host', '127.0.0.1', '--port', String(await freePort()), '--nats-url', nats.url, '--nats-user', 'cdn-control-plane', ...tlsFlags('cdn-control-plane', pki.otherCa)],
      { cwd: tempDir(), encoding: 'utf8', timeout: 20_000, env: { ...process.env, CDN_NATS_PASSWORD: CP_PASSWORD } },
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^cdn-control-plane: error: NATS at nats:\/\/127\.0\.0\.1:\d+ presented a certificate that --nats-tls-ca does not trust \(.+\); check --nats-tls-ca$/);
  });

  it('an edge without a client certificate keeps serving and says at ERROR which flags to give', async () => {
    const edge = await startApp('edge', ['--nats-url', nats.url, '--nats-user', 'cdn-edge', '--edge-id', 'edge-no-cert', '--nats-tls-ca', pki.ca], { env: { CDN_NATS_PASSWORD: EDGE_PASSWORD } });
    await eventually(() => /ERROR.*requires a client certificate \(bad certificate\); give --nats-tls-cert and --nats-tls-key/.test(edge.output), 15_000);
    expect((await get(`${edge.url}/healthz`)).status).toBe(200);
    expect((await get(`${edge.url}/metrics`)).text).toMatch(/cdn_edge_nats_problems_total\{kind="tls"\} [1-9]/);
  });
});
