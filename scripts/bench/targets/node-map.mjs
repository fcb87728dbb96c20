/** Target: the bare Node `http` + `Map` cache (../node-map-cache.mjs), the ceiling for one Node process. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startServer, waitForPort } from '../processes.mjs';

const PROGRAM = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node-map-cache.mjs');

export async function startNodeMap({ dir, cpu, origin }) {
  const port = await freePort();
  const proc = startServer('node-map', process.execPath, [PROGRAM, String(port), String(origin.port)], { dir, cpu });
  await waitForPort(port, proc);
  return { name: 'node-map', label: 'bare Node http+Map', base: `http://127.0.0.1:${port}`, prefix: '' };
}
