/** DI tokens for what createControlPlane() is given: each feature injects only what it uses. */
export const CDN_CONFIG = Symbol('CDN_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const CLOCK = Symbol('CLOCK');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const ROUTING_STORE = Symbol('ROUTING_STORE');
export const ROUTING_SOURCE = Symbol('ROUTING_SOURCE');
/** Where live node loads are broadcast to edges. */
export const NODE_LOAD_BUS = Symbol('NODE_LOAD_BUS');
/** The periods of background work (Timings). */
export const TIMINGS = Symbol('TIMINGS');

/** Milliseconds since the epoch; injected so that tests can move time by hand. */
export type Clock = () => number;
