/**
 * Target: our split deployment's edge, with its own nats-server (JetStream, temp store) and one control plane.
 * Only the edge is under test: it gets the server CPU; nats-server and the control plane run beside the load.
 * The pieces are exported for the measurements that need another mix (twenty edges, other flags).
 */
import path from 'node:path';
import { freePort, startServer, waitForPort } from '../processes.mjs';
import { registerOrigin, waitForRoute } from './register-origin.mjs';

/** A nats-server with JetStream on a free port, its store in the run directory; returns its URL. */
export async function startNats({ dir, cpu, name = 'nats-server' }) {
  const port = await freePort();
  const nats = startServer(name, 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(dir, `${name}.jetstream`)], { dir, cpu });
  await waitForPort(port, nats);
  return `nats://127.0.0.1:${port}`;
}

/** A control plane on `natsUrl`; returns {base, proc}. */
export async function startControlPlane({ dir, cpu, root, natsUrl, name = 'control-plane', flags = [] }) {
  const port = await freePort();
  const args = [
    path.join(root, 'apps/control-plane/dist/main.js'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--nats-url', natsUrl,
    '--nodes-file', path.join(dir, `${name}.nodes.json`),
    '--log-file', path.join(dir, `${name}.cdn_system.log`),
    ...flags,
  ];
  const proc = startServer(name, process.execPath, args, { dir, cpu });
  await waitForPort(port, proc);
  return { base: `http://127.0.0.1:${port}`, proc };
}

/** An edge on `natsUrl`, once it routes /cdn/health (a node must be registered); returns {base, pid, logFile}. */
export async function startEdge({ dir, cpu, root, natsUrl, name = 'edge', edgeId = 'bench', flags = [] }) {
  const port = await freePort();
  const logFile = path.join(dir, `${name}.cdn_system.log`);
  const args = [
    path.join(root, 'apps/edge-proxy/dist/main.js'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--nats-url', natsUrl,
    '--edge-id', edgeId,
    '--log-file', logFile,
    ...flags,
  ];
  const proc = startServer(name, process.execPath, args, { dir, cpu });
  await waitForPort(port, proc);
  const base = `http://127.0.0.1:${port}`;
  await waitForRoute(base, proc);
  return { base, pid: proc.child.pid, logFile };
}

export async function startSplitEdge({ dir, cpu, loadCpu, origin, root, name = 'split-edge', edgeFlags = [] }) {
  const natsUrl = await startNats({ dir, cpu: loadCpu, name: `${name}.nats-server` });
  const control = await startControlPlane({ dir, cpu: loadCpu, root, natsUrl, name: `${name}.control-plane` });
  const stopHeartbeats = await registerOrigin(control.base, origin, control.proc);
  const edge = await startEdge({ dir, cpu, root, natsUrl, name: `${name}.edge`, flags: edgeFlags });
  return { name, label: 'our split edge', base: edge.base, prefix: '/cdn', pid: edge.pid, stop: stopHeartbeats };
}
