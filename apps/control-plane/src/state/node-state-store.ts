import { Inject, Injectable } from '@nestjs/common';
import { type CdnConfig, type Logger, printable } from '@cdn/shared';
import { Counter, Registry } from 'prom-client';
import { CDN_CONFIG, CLOCK, Clock, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { CoalescingWriter } from './coalescing-writer';
import { loadNodesFile, StoredNodes, writeNodesFile } from './node-state-file';

/** Keeps cdn_nodes.json in step with the node table: loaded once at start, saved after every change. */
@Injectable()
export class NodeStateStore {
  private latest: StoredNodes | undefined;
  private readonly writer = new CoalescingWriter(() => this.writeLatest());
  private readonly writes: Counter<'result'>;
  private readonly rejected: Counter;

  constructor(
    @Inject(CDN_CONFIG) private readonly config: CdnConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.writes = new Counter({
      name: 'cdn_cp_state_writes_total',
      help: 'Writes of the node state file, by result',
      labelNames: ['result'],
      registers: [registry],
    });
    this.rejected = new Counter({ name: 'cdn_cp_state_nodes_rejected_total', help: 'Saved nodes left out at load because they break the registration rules', registers: [registry] });
  }

  get file(): string {
    return this.config.nodesFile;
  }

  async load(): Promise<StoredNodes> {
    const result = await loadNodesFile(this.file, { reset: this.config.resetConfig, now: this.clock() });
    switch (result.kind) {
      case 'loaded':
        // The id comes from a file anyone may have edited: quoted, so that it cannot break the log line.
        for (const { id, reason } of result.rejected) this.logger.error(`Node ${JSON.stringify(printable(id, 64))} in ${this.file} breaks the registration rules and was left out: ${reason}`);
        this.rejected.inc(result.rejected.length);
        if (result.keptAs) this.logger.error(`Kept a copy of ${this.file} with the ${result.rejected.length} node(s) left out as ${result.keptAs}`);
        this.logger.info(`Loaded ${result.nodes.size} node(s) from ${this.file}`);
        return result.nodes;
      case 'missing':
        this.logger.info(`No node state file at ${this.file}; starting with no nodes`);
        return new Map();
      case 'reset':
        this.logger.info(`Node configuration reset (--reset-config): ${this.file} now holds no nodes`);
        return new Map();
      case 'corrupt':
        this.logger.error(`Node state file ${this.file} is unusable (${result.reason}); kept it as ${result.keptAs} and starting with no nodes`);
        return new Map();
    }
  }

  /** Saves this state (or a later one); resolves once it is on disk. */
  save(nodes: StoredNodes): Promise<void> {
    this.latest = nodes;
    return this.writer.request();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  private async writeLatest(): Promise<void> {
    const nodes = this.latest;
    if (!nodes) return;
    try {
      await writeNodesFile(this.file, nodes);
      this.writes.inc({ result: 'ok' });
    } catch (err) {
      this.writes.inc({ result: 'error' });
      this.logger.error({ err }, `Failed to save node state to ${this.file}`);
      throw err;
    }
  }
}
