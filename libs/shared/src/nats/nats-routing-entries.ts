import { describeIssues } from '../routing/describe-issues';
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
 * The routing state rebuilt from bucket entries (pure: no I/O), entry by entry: a value that fails the routing
 * schema is refused on its own, the last good value of that key is kept, and every other entry still counts. `revision` is the highest entry revision applied, delete markers and
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
      const json = parseJson(entry.text());
      if (json === undefined) return 'not JSON';
      const parsed = routeNodeSchema.safeParse(json);
      if (!parsed.success) return `invalid node: ${describeIssues(parsed.error)}`;
      if (nodeKey(parsed.data.id) !== entry.key) return `node id "${parsed.data.id}" does not match its key`;
      this.nodes.set(entry.key, parsed.data);
      return undefined;
    }
    if (entry.key === SETTINGS_KEY) {
      if (removed) {
        this.settings = DEFAULT_ROUTING_SETTINGS;
        return undefined;
      }
      const json = parseJson(entry.text());
      if (json === undefined) return 'not JSON';
      const parsed = routingSettingsSchema.safeParse(json);
      if (!parsed.success) return `invalid settings: ${describeIssues(parsed.error)}`;
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
