/**
 * Target: our split deployment's edge, with its own nats-server (JetStream, temp store) and one control plane.
 * Only the edge is under test: it gets the server CPU; nats-server and the control plane run beside the load.
 */
import path from 'node:path';
import { freePort, startServer, waitForPort } from '../processes.mjs';
import { registerOrigin, waitForRoute } from './register-origin.mjs';

export async function startSplitEdge({ dir, cpu, loadCpu, origin, root }) {
  const [natsPort, controlPort, edgePort] = [await freePort(), await freePort(), await freePort()];
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const nats = startServer('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', path.join(dir, 'jetstream')], { dir, cpu: loadCpu });
  await waitForPort(natsPort, nats);

  const controlArgs = [
    path.join(root, 'apps/control-plane/dist/main.js'),
    '--host', '127.0.0.1',
    '--port', String(controlPort),
    '--nats-url', natsUrl,
    '--nodes-file', path.join(dir, 'control-plane.nodes.json'),
    '--log-file', path.join(dir, 'control-plane.cdn_system.log'),
  ];
  const control = startServer('control-plane', process.execPath, controlArgs, { dir, cpu: loadCpu });
  await waitForPort(controlPort, control);
  const stopHeartbeats = await registerOrigin(`http://127.0.0.1:${controlPort}`, origin, control);

  const edgeArgs = [
    path.join(root, 'apps/edge-proxy/dist/main.js'),
    '--host', '127.0.0.1',
    '--port', String(edgePort),
    '--nats-url', natsUrl,
    '--edge-id', 'bench',
    '--log-file', path.join(dir, 'edge.cdn_system.log'),
  ];
  const edge = startServer('edge', process.execPath, edgeArgs, { dir, cpu });
  await waitForPort(edgePort, edge);
  const base = `http://127.0.0.1:${edgePort}`;
  await waitForRoute(base, edge);
  return { name: 'split-edge', label: 'our split edge', base, prefix: '/cdn', stop: stopHeartbeats };
}
