/** DI token of the CacheCommandBus the control plane broadcasts purge and warm on. */
export const CACHE_COMMAND_BUS = Symbol('CACHE_COMMAND_BUS');
/** DI token of the OperationStore that keeps cache operations across restarts. */
export const OPERATION_STORE = Symbol('OPERATION_STORE');
/** DI token of the BusConnection: whether a command published now can leave this process. */
export const BUS_CONNECTION = Symbol('BUS_CONNECTION');
