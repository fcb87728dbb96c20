import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Admission, ConnectionLimit } from './connection-limit';

let server: net.Server | undefined;
const clients: net.Socket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A server whose connections go through the limit; resolves each admission in order. */
async function limited(max: number) {
  const limit = new ConnectionLimit(max);
  const admissions: Admission[] = [];
  const accepted: net.Socket[] = [];
  server = net.createServer((socket) => {
    admissions.push(limit.admit(socket));
    accepted.push(socket);
    socket.on('data', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const connect = async (send?: string) => {
    const client = net.connect(port, '127.0.0.1');
    clients.push(client);
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('connect', resolve));
    if (send) client.write(send);
    await waitFor(() => accepted.length === clients.length && (!send || accepted.at(-1)!.bytesRead > 0 || accepted.at(-1)!.destroyed));
    return client;
  };
  return { limit, admissions, accepted, connect };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('connection limit', () => {
  it('closes a new connection when every open one has sent something', async () => {
    const { admissions, accepted, connect } = await limited(2);
    await connect('GET');
    await connect('GET');
    await connect();
    expect(admissions).toEqual(['accepted', 'accepted', 'refused']);
    expect(accepted.map((s) => s.destroyed)).toEqual([false, false, true]);
  });

  it('a new connection takes the place of the oldest silent one', async () => {
    const { admissions, accepted, connect, limit } = await limited(3);
    await connect('GET');
    await connect();
    await connect();
    await connect('GET');
    expect(admissions).toEqual(['accepted', 'accepted', 'accepted', 'evicted_silent']);
    expect(accepted.map((s) => s.destroyed)).toEqual([false, true, false, false]);
    expect(limit.size).toBe(3);
  });
});
