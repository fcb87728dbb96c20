import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, LEVEL, messages, RunningControlPlane, startControlPlane } from '../testing/start-control-plane';

let cp: RunningControlPlane | undefined;
afterEach(async () => cp?.close());

describe('a client that leaves mid-body', () => {
  it('an aborted admin body logs no ERROR', async () => {
    cp = await startControlPlane();
    const { port } = new URL(cp.url);
    // Promise 1000 bytes, send a few, hang up: as a client killed in the middle of an upload.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST /register_node HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id": "node');
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();

    const running = cp;
    await eventually(async () => (await running.registry.metrics()).includes('cdn_cp_http_aborted_requests_total 1'));
    expect(messages(cp.logs, LEVEL.error)).toEqual([]);
    expect(messages(cp.logs, LEVEL.debug)).toContain('POST /register_node: the client left before its request body arrived');
    expect((await cp.call('GET', '/nodes')).body).toEqual({ nodes: [] });
  });
});
