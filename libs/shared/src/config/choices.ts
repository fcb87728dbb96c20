/** The values some options choose among. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LB_STRATEGY_NAMES = ['default', 'weighted', 'least-load', 'geo', 'consistent-hash'] as const;
export type LbStrategyName = (typeof LB_STRATEGY_NAMES)[number];
