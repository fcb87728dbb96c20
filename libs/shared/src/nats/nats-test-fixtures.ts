// Test-only helpers shared by the NATS specs (not exported from the package).
import type { NatsConnection } from '@nats-io/transport-node';
import type { RouteNode, RoutingTable } from '../routing/routing-table';
import { silentLogger } from '../logging/logger';
import { connectNats } from './nats-connection';

export function routeNode(id: string, overrides: Partial<RouteNode> = {}): RouteNode {
  return { id, url: `http://127.0.0.1:9${id.length}01`, location: 'eu-west', capacity: 10, status: 'active', load: 0, ...overrides };
}

export function connectTo(url: string, name = 'test'): Promise<NatsConnection> {
  return connectNats({ servers: url, name, logger: silentLogger() });
}

/** Records every table a source delivers. */
export function tableRecorder(): { tables: RoutingTable[]; onTable: (t: RoutingTable) => void; last: () => RoutingTable | undefined } {
  const tables: RoutingTable[] = [];
  return { tables, onTable: (t) => tables.push(t), last: () => tables[tables.length - 1] };
}

let bucketCount = 0;
/** A bucket name no other test in the file uses. */
export function freshBucket(): string {
  bucketCount++;
  return `test_routing_${process.pid}_${bucketCount}`;
}
