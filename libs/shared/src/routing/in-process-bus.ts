import type { CacheCommand, CacheCommandBus } from '../cache/cache-commands';
import { InProcessBroadcast } from './broadcast';
import type { NodeLoadBus, NodeLoads } from './node-loads';
import { publishableNodes } from './publishable-nodes';
import type { EdgeEventMap, EdgeEventName, EdgeEventPublisher, RoutingSource, RoutingStore } from './routing-bus';
import { buildRoutingTable, checkRoutingSettings, DEFAULT_ROUTING_SETTINGS, RouteNode, RoutingSettings, RoutingTable } from './routing-table';

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

  /** As the NATS store: a node that fails the routing schema is left out (withdrawn) and reported; no one else writes here. */
  readonly store: RoutingStore = {
    putNode: async (node) => {
      const { nodes, refused } = publishableNodes([node]);
      if (nodes.length === 1) this.commit(() => this.nodes.set(node.id, nodes[0]));
      else if (this.nodes.has(node.id)) this.commit(() => this.nodes.delete(node.id));
      return { refused };
    },
    deleteNode: async (id) => this.commit(() => this.nodes.delete(id)),
    putSettings: async (settings) => this.commit(() => (this.settings = checkRoutingSettings(settings))),
    replaceAll: async (nodes, settings) => {
      const publishable = publishableNodes(nodes);
      this.commit(() => {
        this.settings = checkRoutingSettings(settings);
        this.nodes.clear();
        for (const node of publishable.nodes) this.nodes.set(node.id, node);
      });
      return { refused: publishable.refused };
    },
    wrote: () => true,
    reconcile: async () => [],
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
