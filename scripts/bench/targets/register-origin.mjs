/**
 * Registers the origin as the only node of one of our control planes and keeps it alive with a heartbeat
 * every 5 s, as a real node would (a node silent for 10 s goes inactive).
 */
import { request } from '../http.mjs';
import { waitUntil } from '../processes.mjs';

const NODE_ID = 'origin';
const HEARTBEAT_MS = 5_000;

/** Resolves once registered; returns a function that stops the heartbeats. */
export async function registerOrigin(adminBase, origin, proc) {
  const node = { id: NODE_ID, url: origin.url, location: 'bench', capacity: 100 };
  let answer;
  await waitUntil(`register the origin with ${proc.name}`, async () => {
    answer = await request(`${adminBase}/register_node`, { method: 'POST', json: node });
    return answer.status === 200 || answer.status === 201;
  }, { proc });
  const timer = setInterval(() => request(`${adminBase}/heartbeat/${NODE_ID}`, { method: 'POST' }).catch(() => {}), HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Waits until `base` + path answers 200 through the CDN (the routing table has reached the edge). */
export const waitForRoute = (base, proc) =>
  waitUntil(`${proc.name} routing /cdn/health to the origin`, async () => (await request(`${base}/cdn/health`)).status === 200, { proc });
