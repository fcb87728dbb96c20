/** Target: our all-in-one server (control plane and edge in one process), production defaults; `workers` for --workers. */
import path from 'node:path';
import { freePort, startServer, waitForPort } from '../processes.mjs';
import { registerOrigin, waitForRoute } from './register-origin.mjs';

export async function startAllInOne({ dir, cpu, origin, root, workers = 1 }) {
  const name = workers === 1 ? 'all-in-one' : `all-in-one-w${workers}`;
  const port = await freePort();
  const args = [
    path.join(root, 'apps/all-in-one/dist/main.js'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--nodes-file', path.join(dir, `${name}.nodes.json`),
    '--log-file', path.join(dir, `${name}.cdn_system.log`),
    '--workers', String(workers),
  ];
  const proc = startServer(name, process.execPath, args, { dir, cpu });
  await waitForPort(port, proc);
  const base = `http://127.0.0.1:${port}`;
  const stopHeartbeats = await registerOrigin(base, origin, proc);
  await waitForRoute(base, proc);
  return { name: 'all-in-one', label: 'our all-in-one', base, prefix: '/cdn', stop: stopHeartbeats, proc };
}
