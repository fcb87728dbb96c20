/** Options of every program: where it listens, what it logs, the cache switch and NATS. */
import { integerIn, logFilePath, natsUrl, nonEmpty, oneOf } from '../option-parsers';
import { ALL, type OptionSpec } from '../option-spec';
import { LOG_FORMATS, LOG_LEVELS, LOG_STDOUT_CHOICES } from '../choices';
import type { OptionName } from '../options';

export const SERVER_OPTIONS = {
  host: { key: 'host', programs: ALL, flags: '--host <host>', description: 'listen address', env: 'CDN_HOST', parse: nonEmpty, default: '0.0.0.0' },
  port: { key: 'port', programs: ALL, flags: '--port <port>', description: 'listen port', env: 'CDN_PORT', parse: integerIn(1, 65535), default: 5000 },
  cacheEnabled: {
    key: 'cacheEnabled', programs: ALL, flags: '--disable-cache', description: 'start with the cache off',
    env: 'CDN_CACHE_ENABLED', default: true, switch: true,
  },
  logLevel: { key: 'logLevel', programs: ALL, flags: '--log-level <level>', description: 'DEBUG, INFO, WARNING or ERROR', env: 'CDN_LOG_LEVEL', parse: oneOf(LOG_LEVELS), default: 'INFO' },
  logFile: { key: 'logFile', programs: ALL, flags: '--log-file <path>', description: 'log file, appended to; - for stdout only', env: 'CDN_LOG_FILE', parse: logFilePath, default: 'cdn_system.log' },
  logFormat: { key: 'logFormat', programs: ALL, flags: '--log-format <format>', description: 'text or json', env: 'CDN_LOG_FORMAT', parse: oneOf(LOG_FORMATS), default: 'text' },
  logStdout: {
    key: 'logStdout', programs: ALL, flags: '--log-stdout <lines>', description: 'what stdout gets besides the log file: events (every line but the per-request ones), all or none',
    env: 'CDN_LOG_STDOUT', parse: oneOf(LOG_STDOUT_CHOICES), default: 'events',
  },
  natsUrl: { key: 'natsUrl', programs: ALL, splitOnly: true, flags: '--nats-url <url>', description: 'NATS server(s), e.g. nats://127.0.0.1:4222', env: 'CDN_NATS_URL', parse: natsUrl },
} satisfies Partial<Record<OptionName, OptionSpec>>;
