/** Target: Varnish with its built-in VCL in front of the origin, a malloc store of 256 MiB. */
import path from 'node:path';
import { freePort, startServer, waitForPort } from '../processes.mjs';

export async function startVarnish({ dir, cpu, origin }) {
  const port = await freePort();
  const args = ['-F', '-a', `127.0.0.1:${port}`, '-b', `127.0.0.1:${origin.port}`, '-n', path.join(dir, 'varnish'), '-s', 'malloc,256m'];
  const proc = startServer('varnish', 'varnishd', args, { dir, cpu });
  await waitForPort(port, proc);
  return { name: 'varnish', label: 'Varnish', base: `http://127.0.0.1:${port}`, prefix: '' };
}
