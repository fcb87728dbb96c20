/** Starts the origin program (../origin.mjs) and reads its request counts. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '../http.mjs';
import { freePort, startServer, waitForPort } from '../processes.mjs';

const PROGRAM = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'origin.mjs');

/** {port, url, count(path)}: count is how many requests the origin saw for that path. */
export async function startOrigin({ dir, cpu }) {
  const port = await freePort();
  const proc = startServer('origin', process.execPath, [PROGRAM, String(port)], { dir, cpu });
  await waitForPort(port, proc);
  const url = `http://127.0.0.1:${port}`;
  const count = async (urlPath) => JSON.parse((await request(`${url}/__count?path=${encodeURIComponent(urlPath)}`)).body).count;
  return { port, url, count };
}
