import type { CacheCommand, CacheCommandBus } from '../cache/cache-commands';
import { InProcessBroadcast } from './broadcast';
import type { NodeLoadBus, NodeLoads } from './node-loads';
import type { EdgeEventMap, EdgeEventName, EdgeEventPublisher, RoutingSource, RoutingStore } from './routing-bus';
import { buildRoutingTable, checkRouteNode, checkRoutingSettings, DEFAULT_ROUTING_SETTINGS, RouteNode, RoutingSettings, RoutingTable } from './routing-table';

type TableListener = (table: RoutingTable) => void;
type EventListener = (event: EdgeEventName, data: unknown) => void;

/**
 * The all-in-one server's bus: the same interfaces as the NATS implementation, delivered in-process.
 * Listeners are called on a microtask so a writer never runs a reader's code in its own stack.
 */
export class InProcessBus {
  private revision = 0;
  private readonly nodes = new Map<string, RouteNode>();
  private settings: RoutingSettings = DEFAULT_ROUTING_SETTINGS;
  private table: RoutingTable = buildRoutingTable(0, [], DEFAULT_ROUTING_SETTINGS);
  private readonly tableListeners = new Set<TableListener>();
  private readonly eventListeners = new Set<EventListener>();

  readonly store: RoutingStore = {
    putNode: async (node) => this.commit(() => this.nodes.set(node.id, checkRouteNode(node))),
    deleteNode: async (id) => this.commit(() => this.nodes.delete(id)),
    putSettings: async (settings) => this.commit(() => (this.settings = checkRoutingSettings(settings))),
    replaceAll: async (nodes, settings) =>
      this.commit(() => {
        const checked = nodes.map(checkRouteNode);
        this.settings = checkRoutingSettings(settings);
        this.nodes.clear();
        for (const node of checked) this.nodes.set(node.id, node);
      }),
    close: async () => undefined,
  };

  readonly events: EdgeEventPublisher = {
    publish: (event, data) => {
      for (const listener of this.eventListeners) queueMicrotask(() => listener(event, data));
    },
    close: async () => undefined,
  };

  /** Cache commands, broadcast to every subscriber (the publisher's own included, as on NATS). */
  readonly cacheCommands: CacheCommandBus = new InProcessBroadcast<CacheCommand>();
  /** Live node loads from the control plane to the edge. */
  readonly nodeLoads: NodeLoadBus = new InProcessBroadcast<NodeLoads>();

  /** A reader of the table, as an edge holds one. */
  source(): RoutingSource {
    let listener: TableListener | undefined;
    let last: RoutingTable | undefined;
    return {
      start: async (onTable) => {
        listener = (table) => {
          last = table;
          onTable(table);
        };
        this.tableListeners.add(listener);
        listener(this.table);
      },
      current: () => last,
      close: async () => {
        if (listener) this.tableListeners.delete(listener);
      },
    };
  }

  /** Receives every event edges publish (the control plane's side). Returns an unsubscribe function. */
  onEvent(listener: <E extends EdgeEventName>(event: E, data: EdgeEventMap[E]) => void): () => void {
    const wrapped = listener as EventListener;
    this.eventListeners.add(wrapped);
    return () => this.eventListeners.delete(wrapped);
  }

  private commit(change: () => void): void {
    change();
    this.revision += 1;
    this.table = buildRoutingTable(this.revision, this.nodes.values(), this.settings);
    const table = this.table;
    for (const listener of this.tableListeners) queueMicrotask(() => listener(table));
  }
}
