import { createCluster } from '@redis/client';
import keySlot from 'cluster-key-slot';
import { mastersOf, SLOTS, type SlotRange, slotRanges, slotsOf, topologyChange } from './cluster-topology';
import { withDeadline } from './deadline';
import { commandsOver, scanServer } from './redis-commands';
import { type ConnectionEvents, messageOf, reconnectDelay, serverSize, type SharedConnection } from './shared-connection';

export interface ClusterConnectionOptions {
  /** Some nodes of the cluster (redis:// or rediss://, one password); the client learns the others from CLUSTER SLOTS. */
  seeds: string[];
  /** CA certificate (PEM) of rediss:// nodes; the system CAs by default. */
  tlsCa?: string;
  events: ConnectionEvents;
  /** How often the slot map is asked for again while a master is unreachable; default 500 ms. */
  refreshIntervalMs?: number;
  /** How often the client's own slot map is compared with the last one seen (changes it followed through MOVED); default 5 s. */
  watchIntervalMs?: number;
}

/**
 * A Redis Cluster: every command goes to the master of its key's slot (never a replica, which may lag behind a
 * purge). When a master fails, the keys of its slots fail fast while the others are served; the slot map is asked
 * for again every refreshIntervalMs until every slot has a connected master, so the replica the cluster promotes is
 * used as soon as it is. node-redis itself only asks again on MOVED or ASK, which a dead master never sends.
 */
export function connectCluster(options: ClusterConnectionOptions): SharedConnection {
  const { events } = options;
  const first = new URL(options.seeds[0]);
  const cluster = createCluster({
    rootNodes: options.seeds.map((url) => ({ url })),
    // Every node the client discovers is reached like the seeds: same password, same TLS.
    defaults: {
      ...(first.username !== '' && { username: decodeURIComponent(first.username) }),
      ...(first.password !== '' && { password: decodeURIComponent(first.password) }),
      // Fail at once while a node is disconnected instead of queueing requests that would only time out.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 1_000,
        reconnectStrategy: reconnectDelay,
        ...(first.protocol === 'rediss:' && { tls: true, ...(options.tlsCa !== undefined && { ca: options.tlsCa }) }),
      } as { connectTimeout: number },
    },
    useReplicas: false,
  });

  let closed = false;
  /** The last slot map seen (kept while the client has none, so a fresh start is compared with it). */
  let known: SlotRange[] = [];
  /** Each master's last error, until it is ready again: a master still connecting for the first time is not lost. */
  const failing = new Map<string, string>();
  let lastDiscoveryError = '';
  /** The last state told to the tier, so each is told once. */
  let told = '';
  let refreshTimer: NodeJS.Timeout | undefined;
  let refreshing = false;
  let evaluation: NodeJS.Immediate | undefined;

  const tell = (state: string, report: () => void) => {
    if (told === state) return;
    told = state;
    report();
  };
  const masterReady = (address: string) => cluster.masters.some((master) => master.address === address && master.client?.isReady === true);

  /** Compares the client's view with what was told, and tells what changed. */
  function evaluate(): void {
    evaluation = undefined;
    if (closed) return;
    const ranges = slotRanges(cluster.slots);
    if (ranges.length > 0) {
      const change = known.length > 0 ? topologyChange(known, ranges) : undefined;
      known = ranges;
      if (change) events.onTopologyChange(change);
    }
    const masters = mastersOf(ranges);
    for (const master of masters) if (masterReady(master)) failing.delete(master);
    // A master the cluster replaced is forgotten (it may come back as a replica, which is never asked).
    if (ranges.length > 0) for (const address of failing.keys()) if (!masters.includes(address)) failing.delete(address);
    const covered = ranges.reduce((sum, range) => sum + range.to - range.from + 1, 0);
    if (masters.length > 0 && covered === SLOTS && masters.every(masterReady)) {
      stopRefreshing();
      return tell('up', () => events.onConnected());
    }
    startRefreshing();
    const lost = masters.filter((master) => failing.has(master));
    const reasons = lost.map((master) => `${master} (slots ${slotsOf(ranges, master)}) unreachable: ${failing.get(master)}`);
    if (masters.length > 0 && covered < SLOTS) reasons.push(`${SLOTS - covered} slots have no master`);
    if (reasons.length === 0) return; // still connecting, or not discovered yet (a failed discovery tells itself)
    const whole = !masters.some(masterReady);
    tell(`lost ${whole} ${reasons.join('; ')}`, () => events.onLost(reasons.join('; '), whole));
  }
  // Node events come in bursts (a failover ends several connections): one evaluation per burst.
  const scheduleEvaluation = () => {
    if (!closed && evaluation === undefined) evaluation = setImmediate(evaluate);
  };

  function connect(): void {
    cluster.connect().then(scheduleEvaluation, (err: unknown) => {
      if (closed) return;
      startRefreshing();
      tell(`lost true ${lastDiscoveryError}`, () => events.onLost(`no seed node answers (${lastDiscoveryError || messageOf(err)})`, true));
    });
  }

  /** Asks the cluster for its slot map again (or starts over from the seeds when nothing answers). */
  async function refresh(): Promise<void> {
    if (closed || refreshing) return;
    // The first discovery failed, or was started over: try the seeds again. Not awaited: it waits for every master.
    if (!cluster.isOpen) return connect();
    refreshing = true;
    try {
      const live = cluster.masters.find((master) => master.client?.isReady)?.client;
      if (live) {
        // node-redis 5 has no public way to ask again (redis/node-redis#2806); rediscover is what its MOVED handling calls.
        await withDeadline(cluster._slots.rediscover(live as never), 2_000);
      } else if (cluster.masters.length > 0 && cluster.masters.every((master) => failing.has(master.address))) {
        // Nothing answers, so nothing can tell us the new map: start over from the seeds on the next round.
        cluster.destroy();
      }
    } catch {
      // A refresh that failed or hangs is retried on the next round; its errors came as 'error' events.
    } finally {
      refreshing = false;
      scheduleEvaluation();
    }
  }
  function startRefreshing(): void {
    if (refreshTimer || closed) return;
    refreshTimer = setInterval(() => void refresh(), options.refreshIntervalMs ?? 500);
    refreshTimer.unref();
  }
  function stopRefreshing(): void {
    clearInterval(refreshTimer);
    refreshTimer = undefined;
  }

  // Discovery errors (a seed down, refusing our password, not a cluster node): without a listener they would crash the edge.
  cluster.on('error', (err: unknown) => {
    if (closed) return;
    lastDiscoveryError = messageOf(err);
    events.onError(err);
  });
  cluster.on('node-error', (err: unknown, node: { host: string; port: number }) => {
    if (closed) return;
    failing.set(`${node.host}:${node.port}`, messageOf(err));
    events.onError(err);
    scheduleEvaluation();
  });
  // node-ready is sent only once per node client; a reconnect is seen by the refresh rounds.
  for (const event of ['node-ready', 'node-connect', 'node-disconnect', 'node-reconnecting']) cluster.on(event, scheduleEvaluation);
  // node-redis follows MOVED by itself, sometimes without a new connection (slots moved between known masters): a
  // look at its slot map now and then counts those changes too.
  const watch = setInterval(scheduleEvaluation, options.watchIntervalMs ?? 5_000);
  watch.unref();
  connect();

  async function* scan(pattern: string, type: string): AsyncGenerator<string[]> {
    for (const master of [...cluster.masters]) yield* scanServer(await cluster.nodeClient(master), pattern, type);
  }

  return {
    ...commandsOver(cluster, { scan, slotOf: keySlot }),
    get ready() {
      return told === 'up';
    },
    serves: (key) => cluster.slots[keySlot(key)]?.master.client?.isReady === true,
    size: async () => {
      const sizes = await Promise.all(cluster.masters.filter((master) => master.client?.isReady).map((master) => serverSize(master.client!)));
      return sizes.reduce((sum, size) => ({ keys: sum.keys + size.keys, bytes: sum.bytes + size.bytes }), { keys: 0, bytes: 0 });
    },
    // The masters known lost are left out: their keys fail open one by one until the cluster replaces them.
    check: async () => {
      const reachable = cluster.masters.filter((master) => master.client?.isReady);
      if (reachable.length === 0) throw new Error('no master of the cluster is connected');
      await Promise.all(reachable.map((master) => master.client!.ping()));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(watch);
      stopRefreshing();
      if (evaluation) clearImmediate(evaluation);
      if (!cluster.isOpen) return;
      // Connected masters finish what is in flight; a cluster still (re)connecting is simply stopped.
      if (cluster.masters.length > 0 && cluster.masters.every((master) => master.client?.isReady)) await cluster.close().catch(() => cluster.destroy());
      else cluster.destroy();
    },
  };
}
