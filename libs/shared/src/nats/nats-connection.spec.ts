import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort } from '../../../../test/support/ports';
import { startNats, stopAll } from '../../../../test/support/processes';
import { createLogger } from '../logging/logger';
import { connectNats } from './nats-connection';

afterAll(stopAll);

/** A logger whose records are kept as parsed pino objects. */
function recordingLogger() {
  const records: Array<{ level: number; msg: string; server?: string }> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line));
      done();
    },
  });
  return { records, logger: createLogger({ name: 'nats-test', level: 'DEBUG', destination }) };
}

describe('connectNats', () => {
  it('waits for a server that is not up yet, then logs disconnect (WARNING) and reconnect (INFO) with its address', async () => {
    const port = await freePort();
    const { records, logger } = recordingLogger();
    const connecting = connectNats({ servers: `nats://127.0.0.1:${port}`, name: 'conn-test', logger });
    await new Promise((r) => setTimeout(r, 700));

    let nats = await startNats({ port });
    const nc = await connecting;
    try {
      expect(nc.isClosed()).toBe(false);
      await nats.stop();
      await eventually(() => records.some((r) => r.level === 40 && r.msg.includes(`127.0.0.1:${port}`)));
      nats = await startNats({ port, storeDir: nats.storeDir });
      await eventually(() => records.some((r) => r.level === 30 && r.msg === `reconnected to NATS at 127.0.0.1:${port}`));
      await nc.flush();
    } finally {
      await nc.close();
    }
  });
});
