import type { Logger } from '@cdn/shared';
import type { UpstreamMetrics } from '../observability/upstream-metrics';

/** How a node broke HTTP/1.1 message framing: the reason label of cdn_edge_upstream_protocol_errors_total. */
export type ProtocolErrorReason = 'excess_bytes' | 'malformed_body' | 'bytes_while_idle' | 'garbage_on_reused_connection';

const FAULTS: Record<ProtocolErrorReason, string> = {
  excess_bytes: 'sent bytes past the end of its answer (more than its Content-Length, or after its last chunk)',
  malformed_body: 'sent an answer body that does not parse',
  bytes_while_idle: 'sent bytes on an idle keep-alive connection, where no answer was due',
  garbage_on_reused_connection: 'left bytes on a keep-alive connection where its next answer was due (the rest of an earlier answer)',
};

/** A broken node repeats its fault on every answer: each node's faults are logged at most once a minute. */
const LOG_EVERY_MS = 60_000;

/** Counts every framing fault of a node and logs it, at most once a minute per node. */
export interface ProtocolErrors {
  /** `outcome` says what the edge did about it (what the client got, what happened to the connection). */
  report(nodeId: string, reason: ProtocolErrorReason, outcome: string): void;
}

export function createProtocolErrors(options: { metrics: UpstreamMetrics; logger: Logger; now: () => number }): ProtocolErrors {
  const { metrics, logger, now } = options;
  /** Nodes logged within the last minute, with the faults left out of the log since. */
  const logged = new Map<string, { at: number; unlogged: number }>();
  return {
    report(nodeId, reason, outcome) {
      metrics.protocolError(nodeId, reason);
      const at = now();
      const last = logged.get(nodeId);
      if (last !== undefined && at - last.at < LOG_EVERY_MS) {
        last.unlogged += 1;
        return;
      }
      // Only nodes logged within the minute are kept, whatever the churn of the table.
      for (const [id, entry] of logged) if (at - entry.at >= LOG_EVERY_MS) logged.delete(id);
      logged.set(nodeId, { at, unlogged: 0 });
      const since = last !== undefined && last.unlogged > 0 ? ` (${last.unlogged} more faults of this node since its last line)` : '';
      logger.warn(`Node ${nodeId} ${FAULTS[reason]}: ${outcome}${since}`);
    },
  };
}
