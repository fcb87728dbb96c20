/** DI token of the CacheCommandBus the control plane broadcasts purge and warm on. */
export const CACHE_COMMAND_BUS = Symbol('CACHE_COMMAND_BUS');
