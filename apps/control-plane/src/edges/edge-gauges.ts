import { Gauge, type Registry } from 'prom-client';
import { EdgeRecord, edgeLag } from './edge-liveness';

/** What the revision gauges read on scrape. */
export interface RevisionView {
  /** The newest routing revision this control plane has seen published. */
  latestRevision(): number;
  /** The edges reporting now. */
  liveEdges(): EdgeRecord[];
}

/**
 * cdn_cp_routing_revision, and for each live edge the revision it serves (cdn_cp_edge_routing_revision{edge}) and
 * how many revisions it is behind (cdn_cp_edge_routing_lag{edge}), read on scrape. Lost edges leave the series:
 * a lag is only meaningful for an edge that still reports.
 */
export function registerRevisionGauges(registry: Registry, view: RevisionView): void {
  const registers = [registry];
  new Gauge({
    name: 'cdn_cp_routing_revision',
    help: 'Revision of the latest routing table published',
    registers,
    collect() {
      this.set(view.latestRevision());
    },
  });
  new Gauge({
    name: 'cdn_cp_edge_routing_revision',
    help: 'Revision of the routing table each live edge serves, by its last report',
    labelNames: ['edge'],
    registers,
    collect() {
      this.reset();
      for (const edge of view.liveEdges()) this.set({ edge: edge.id }, edge.revision);
    },
  });
  new Gauge({
    name: 'cdn_cp_edge_routing_lag',
    help: 'Revisions each live edge is behind cdn_cp_routing_revision (0 when it serves the latest)',
    labelNames: ['edge'],
    registers,
    collect() {
      this.reset();
      const latest = view.latestRevision();
      for (const edge of view.liveEdges()) this.set({ edge: edge.id }, edgeLag(edge, latest));
    },
  });
}
