import type { Worker } from 'node:cluster';
import type { InProcessBus } from '../routing/in-process-bus';
import type { WorkerMessage } from './worker-messages';
import type { WorkerPool } from './worker-pool';

/** The primary's end of the workers' IPC bus. */
export interface BusRelay {
  /** Takes the workers' bus messages. */
  onMessage(worker: Worker, message: WorkerMessage): void;
  close(): Promise<void>;
}

/**
 * Relays the all-in-one primary's in-process bus to its workers: every table and every broadcast (cache commands,
 * node loads) to every worker; the workers' events and broadcasts onto the bus, where the control plane hears
 * them and this relay sends the broadcasts back out to every worker.
 */
export async function relayBusToWorkers(bus: InProcessBus, pool: Pick<WorkerPool, 'broadcast'>): Promise<BusRelay> {
  const source = bus.source();
  await source.start((table) => pool.broadcast({ type: 'cdn:bus:table', table }));
  const unsubscribe = [
    bus.cacheCommands.subscribe((command) => pool.broadcast({ type: 'cdn:bus:command', command })),
    bus.nodeLoads.subscribe((loads) => pool.broadcast({ type: 'cdn:bus:loads', loads })),
  ];
  return {
    onMessage(worker, message) {
      if (message.type === 'cdn:bus:hello') {
        const table = source.current();
        if (table && worker.isConnected()) worker.send({ type: 'cdn:bus:table', table });
      }
      if (message.type === 'cdn:bus:event') bus.events.publish(message.event, message.data as never);
      if (message.type === 'cdn:bus:command') bus.cacheCommands.publish(message.command);
      if (message.type === 'cdn:bus:loads') bus.nodeLoads.publish(message.loads);
    },
    async close() {
      for (const stop of unsubscribe) stop();
      await source.close();
    },
  };
}
