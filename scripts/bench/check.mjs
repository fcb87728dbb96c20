/**
 * Before measuring: every target answers 200 for every scenario's path, and a hit path, once warmed, is served
 * without reaching the origin. A target that does not fails the run with one line naming it.
 */
import { request } from './http.mjs';

const POST_BODY = Buffer.alloc(10 * 1024, 'x');

async function ask(target, scenario) {
  const url = `${target.base}${target.prefix}${scenario.path}`;
  const method = scenario.method ?? 'GET';
  const answer = await request(url, { method, body: method === 'POST' ? POST_BODY : undefined }).catch((err) => ({ status: `no answer (${err.message})` }));
  if (answer.status !== 200) throw new Error(`${target.label}: ${method} ${url} answered ${answer.status}, not 200`);
}

/** Checks every scenario of `target` and warms its cache. */
export async function checkAndWarm(target, scenarios, origin) {
  for (const scenario of scenarios) {
    await ask(target, scenario);
    if (!scenario.hit) continue;
    await ask(target, scenario);
    const before = await origin.count(scenario.path);
    await ask(target, scenario);
    if ((await origin.count(scenario.path)) !== before) throw new Error(`${target.label}: ${target.prefix}${scenario.path} is not served from its cache (a warmed GET reached the origin)`);
  }
}
