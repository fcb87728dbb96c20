/** The values some options choose among. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** What stdout gets when there is a log file: every line, every line but the per-request ones, or nothing. */
export const LOG_STDOUT_CHOICES = ['all', 'events', 'none'] as const;
export type LogStdout = (typeof LOG_STDOUT_CHOICES)[number];
export const LB_STRATEGY_NAMES = ['default', 'weighted', 'least-load', 'geo', 'consistent-hash'] as const;
export type LbStrategyName = (typeof LB_STRATEGY_NAMES)[number];
