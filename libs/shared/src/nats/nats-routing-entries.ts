import { buildRoutingTable, DEFAULT_ROUTING_SETTINGS, routeNodeSchema, routingSettingsSchema, type RouteNode, type RoutingSettings, type RoutingTable } from '../routing/routing-table';
import { isNodeKey, nodeKey, SETTINGS_KEY } from './nats-names';

/** One change of the routing bucket, as a KV watcher delivers it. */
export interface RoutingEntry {
  key: string;
  revision: number;
  operation: 'PUT' | 'DEL' | 'PURGE';
  /** The value as text (only read for PUT). */
  text(): string;
}

/**
 * The routing state rebuilt from bucket entries (pure: no I/O). Invalid values are refused and the last
 * good value of that key is kept. `revision` is the highest entry revision applied, delete markers and
 * refused values included, so every reader of the same bucket state computes the same number.
 */
export class RoutingEntries {
  private readonly nodes = new Map<string, RouteNode>();
  private settings: RoutingSettings = DEFAULT_ROUTING_SETTINGS;
  private revision = 0;

  /** Applies one entry; returns why it was refused, or undefined when it was taken (or is none of ours). */
  apply(entry: RoutingEntry): string | undefined {
    this.revision = Math.max(this.revision, entry.revision);
    const removed = entry.operation !== 'PUT';
    if (isNodeKey(entry.key)) {
      if (removed) {
        this.nodes.delete(entry.key);
        return undefined;
      }
      const parsed = routeNodeSchema.safeParse(parseJson(entry.text()));
      if (!parsed.success) return `invalid node: ${parsed.error.message}`;
      if (nodeKey(parsed.data.id) !== entry.key) return `node id "${parsed.data.id}" does not match its key`;
      this.nodes.set(entry.key, parsed.data);
      return undefined;
    }
    if (entry.key === SETTINGS_KEY) {
      if (removed) {
        this.settings = DEFAULT_ROUTING_SETTINGS;
        return undefined;
      }
      const parsed = routingSettingsSchema.safeParse(parseJson(entry.text()));
      if (!parsed.success) return `invalid settings: ${parsed.error.message}`;
      this.settings = parsed.data;
    }
    return undefined;
  }

  /** Raises the revision without an entry (an empty bucket's revision is its stream's last sequence). */
  seen(revision: number): void {
    this.revision = Math.max(this.revision, revision);
  }

  table(): RoutingTable {
    return buildRoutingTable(this.revision, this.nodes.values(), this.settings);
  }
}

/** Two tables hold the same state at the same revision (a re-read after a reconnect need not be delivered again). */
export function sameTable(a: RoutingTable | undefined, b: RoutingTable): boolean {
  return a !== undefined && a.revision === b.revision && JSON.stringify(a) === JSON.stringify(b);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
