/** DI token of the ProbeLeadership that decides whether this replica probes nodes. */
export const PROBE_LEADERSHIP = Symbol('PROBE_LEADERSHIP');

/**
 * Only one control-plane replica probes nodes at a time, so that nodes see one prober and replicas
 * never disagree on probe counts. Asked before every probe round.
 */
export interface ProbeLeadership {
  isLeader(): boolean;
}

/** One control plane: it always leads. (A JetStream KV lease replaces this for several replicas.) */
export const SOLE_PROBE_LEADER: ProbeLeadership = Object.freeze({ isLeader: () => true });
