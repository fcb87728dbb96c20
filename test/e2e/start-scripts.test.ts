/**
 * The programs start the ways the README starts them, `npm run start:*` several at once: starting only
 * runs what `npm ci` (or `npm run build`) built, and prints only the programs' own lines.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http';
import { eventually, freePort } from '../support/ports';
import { Group, killGroups, LOG_LINE, NPM_ECHO } from '../support/process-group';
import { startNats, stopAll, tempDir } from '../support/processes';

afterEach(killGroups);

describe('npm start scripts', () => {
  let nats: Awaited<ReturnType<typeof startNats>>;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(() => stopAll());

  it('a control plane and three edges started at the same moment all serve, five times in a row', async () => {
    for (let round = 1; round <= 5; round++) {
      const dir = tempDir();
      const cpPort = await freePort();
      const edgePorts = [await freePort(), await freePort(), await freePort()];
      const common = ['--host', '127.0.0.1', '--nats-url', nats.url];
      const programs = [
        new Group('npm', ['run', 'start:control-plane', '--', ...common, '--port', String(cpPort), '--nodes-file', path.join(dir, 'nodes.json'), '--log-file', path.join(dir, 'cp.log')]),
        ...edgePorts.map(
          (port, i) => new Group('npm', ['run', 'start:edge', '--', ...common, '--port', String(port), '--edge-id', `edge-${round}-${i}`, '--log-file', path.join(dir, `edge-${i}.log`)]),
        ),
      ];
      const died = Promise.race(programs.map((p, i) => p.exited.then((code) => Promise.reject(new Error(`program ${i} exited with ${code} in round ${round}:\n${p.output}`)))));
      await Promise.race([
        died,
        eventually(async () => (await get(`http://127.0.0.1:${cpPort}/readyz`)).status === 200, 20_000),
      ]);
      for (const port of edgePorts) {
        await Promise.race([died, eventually(async () => (await get(`http://127.0.0.1:${port}/readyz`)).status === 200, 20_000)]);
      }
      const reporting = async () => (await get(`http://127.0.0.1:${cpPort}/edges`)).body.edges.filter((e: { id: string }) => e.id.startsWith(`edge-${round}-`)).length;
      await eventually(async () => (await reporting()) === 3, 10_000, 100);
      for (const program of programs) {
        const foreign = program.output.split('\n').filter((line) => line.trim() !== '' && !NPM_ECHO.test(line) && !LOG_LINE.test(line));
        expect(foreign, program.output).toEqual([]);
        program.kill();
      }
    }
  }, 180_000);
});
