/**
 * Target: our all-in-one server (control plane and edge in one process), production defaults. The extra
 * measurements start more of them: under another `name`, with more `flags`, or with `nodes` written to its nodes
 * file instead of the origin registered (and kept alive) through the admin API; `workers` for --workers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, startServer, waitForPort } from '../processes.mjs';
import { registerOrigin, waitForRoute } from './register-origin.mjs';

export async function startAllInOne({ dir, cpu, origin, root, workers = 1, name = workers === 1 ? 'all-in-one' : `all-in-one-w${workers}`, flags = [], nodes }) {
  const port = await freePort();
  const nodesFile = path.join(dir, `${name}.nodes.json`);
  if (nodes) fs.writeFileSync(nodesFile, JSON.stringify(nodes));
  const args = [
    path.join(root, 'apps/all-in-one/dist/main.js'),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--nodes-file', nodesFile,
    '--log-file', path.join(dir, `${name}.cdn_system.log`),
    '--workers', String(workers),
    ...flags,
  ];
  const proc = startServer(name, process.execPath, args, { dir, cpu });
  await waitForPort(port, proc);
  const base = `http://127.0.0.1:${port}`;
  const stopHeartbeats = nodes ? undefined : await registerOrigin(base, origin, proc);
  await waitForRoute(base, proc);
  return { name, label: 'our all-in-one', base, prefix: '/cdn', pid: proc.child.pid, stop: stopHeartbeats, proc };
}
