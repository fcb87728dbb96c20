import type { Counter } from 'prom-client';
import { BoundCounter, BoundHistogram, CounterCell, HistogramCell } from './bound-metrics';

const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/** The class of a node's final status; the odd codes a parser lets through (1xx, 6xx+) count with the nearest. */
export function statusClassIndex(status: number): number {
  return status < 300 ? 0 : status < 400 ? 1 : status < 500 ? 2 : 3;
}

/** One node's cells, bound once when it first answers: an answer counts with no label hashing. */
class NodeCells {
  readonly codes = new Set<string>();
  readonly protocolErrors = new Set<string>();
  constructor(
    readonly answers: CounterCell[],
    readonly duration: HistogramCell,
  ) {}
}

/**
 * What each node answered this edge (cdn_edge_upstream_requests_total, cdn_edge_upstream_duration_seconds),
 * how forwards to it failed (cdn_edge_upstream_errors_total) and how it broke message framing
 * (cdn_edge_upstream_protocol_errors_total). Node ids are bounded by the routing table; the
 * series of a node that left the table are dropped (retain), so the label set does not grow for ever.
 */
export class UpstreamMetrics {
  private readonly nodes = new Map<string, NodeCells>();

  constructor(
    private readonly answers: BoundCounter<'node' | 'status_class'>,
    private readonly duration: BoundHistogram<'node'>,
    private readonly errors: Counter<'node' | 'code'>,
    private readonly protocolErrors: Counter<'node' | 'reason'>,
  ) {}

  /** The node's response headers came, `seconds` after the request was sent. */
  answered(nodeId: string, status: number, seconds: number): void {
    const cells = this.of(nodeId);
    cells.answers[statusClassIndex(status)].inc();
    cells.duration.observe(seconds);
  }

  /** A forward to the node failed before it answered (refused, reset, timed out). */
  failed(nodeId: string, code: string): void {
    this.of(nodeId).codes.add(code);
    this.errors.inc({ node: nodeId, code });
  }

  /** The node broke HTTP/1.1 message framing (bytes past an answer's end, on an idle connection). */
  protocolError(nodeId: string, reason: string): void {
    this.of(nodeId).protocolErrors.add(reason);
    this.protocolErrors.inc({ node: nodeId, reason });
  }

  /** Drops the series of nodes that are not in `nodeIds` (the new table). */
  retain(nodeIds: ReadonlySet<string>): void {
    for (const [id, cells] of this.nodes) {
      if (nodeIds.has(id)) continue;
      for (const cell of cells.answers) this.answers.unbind(cell);
      this.duration.unbind(cells.duration);
      for (const code of cells.codes) this.errors.remove({ node: id, code });
      for (const reason of cells.protocolErrors) this.protocolErrors.remove({ node: id, reason });
      this.nodes.delete(id);
    }
  }

  private of(nodeId: string): NodeCells {
    let cells = this.nodes.get(nodeId);
    if (cells === undefined) {
      cells = new NodeCells(
        STATUS_CLASSES.map((statusClass) => this.answers.bind({ node: nodeId, status_class: statusClass })),
        this.duration.bind({ node: nodeId }),
      );
      this.nodes.set(nodeId, cells);
    }
    return cells;
  }
}
