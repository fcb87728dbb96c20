/**
 * The coalesced miss storm: `clients` concurrent clients, each on its own connection, ask a target once for
 * one URL nobody asked before (the origin answers it after a second, so all requests overlap); the origin's
 * count for that path says how many of them the target let through (1 is the goal).
 */
import http from 'node:http';

function getOnce(url, agent) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, signal: AbortSignal.timeout(30_000) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve('error'));
    });
    req.on('error', () => resolve('error'));
  });
}

/** {clients, ok, originRequests, ms} for one storm against `target`. */
export async function runStorm(target, origin, clients) {
  const urlPath = `/storm/${target.name}-${Date.now()}`;
  const agent = new http.Agent({ keepAlive: false, maxSockets: clients });
  const started = performance.now();
  const statuses = await Promise.all(Array.from({ length: clients }, () => getOnce(`${target.base}${target.prefix}${urlPath}`, agent)));
  const ms = Math.round(performance.now() - started);
  agent.destroy();
  return { clients, ok: statuses.filter((s) => s === 200).length, originRequests: await origin.count(urlPath), ms };
}
