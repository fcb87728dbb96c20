import { describe, expect, it } from 'vitest';
import { readableFile } from './option-parsers';
import { OPTION_SPECS } from './options';
import { ConfigError, parseConfig, ProgramInfo } from './parse-config';
import { programInfo, programOptions } from './programs';

const info: ProgramInfo = {
  name: 'cdn-test',
  description: 'test',
  version: '1.0.0',
  options: ['host', 'port', 'nodeTimeout', 'healthInterval', 'cacheTime', 'cacheEnabled', 'logLevel', 'logFile', 'logFormat', 'resetConfig', 'nodesFile', 'natsUrl'],
};

describe('parseConfig', () => {
  it('gives the seed defaults', () => {
    expect(parseConfig(info, [], {})).toMatchObject({
      host: '0.0.0.0', port: 5000, nodeTimeout: 10, healthInterval: 5, cacheTime: 30, cacheEnabled: true,
      logLevel: 'INFO', logFile: 'cdn_system.log', logFormat: 'text', resetConfig: false, nodesFile: './cdn_nodes.json', natsUrl: undefined,
    });
  });

  it('reads every flag', () => {
    const config = parseConfig(
      info,
      ['--host', '127.0.0.1', '--port', '8080', '--node-timeout', '15', '--health-interval', '2', '--cache-time', '60', '--disable-cache',
        '--log-level', 'debug', '--log-file', 'x.log', '--log-format', 'json', '--reset-config', '--nodes-file', 'n.json', '--nats-url', 'nats://h:4222'],
      {},
    );
    expect(config).toMatchObject({
      host: '127.0.0.1', port: 8080, nodeTimeout: 15, healthInterval: 2, cacheTime: 60, cacheEnabled: false,
      logLevel: 'DEBUG', logFile: 'x.log', logFormat: 'json', resetConfig: true, nodesFile: 'n.json', natsUrl: 'nats://h:4222',
    });
  });

  it('reads CDN_* variables when the flag is absent, and the flag wins over them', () => {
    const env = { CDN_HOST: '10.0.0.1', CDN_PORT: '7000', CDN_LOG_LEVEL: 'WARNING', CDN_CACHE_ENABLED: 'false', CDN_NODE_TIMEOUT: '20' };
    expect(parseConfig(info, [], env)).toMatchObject({ host: '10.0.0.1', port: 7000, logLevel: 'WARNING', cacheEnabled: false, nodeTimeout: 20 });
    expect(parseConfig(info, ['--port', '7001'], env).port).toBe(7001);
    expect(parseConfig(info, [], { CDN_CACHE_ENABLED: 'true' }).cacheEnabled).toBe(true);
  });

  it.each([
    [['--port', 'abc'], '--port must be an integer 1-65535, got "abc"'],
    [['--port', '65536'], '--port must be an integer 1-65535, got "65536"'],
    [['--node-timeout', '0'], '--node-timeout must be an integer 1-86400, got "0"'],
    [['--cache-time', '-5'], '--cache-time must be an integer 0-31536000, got "-5"'],
    [['--log-level', 'TRACE'], '--log-level must be one of DEBUG, INFO, WARNING, ERROR, got "TRACE"'],
    [['--nats-url', 'localhost:4222'], '--nats-url must be a nats:// URL'],
    [['--host', ''], '--host must not be empty'],
    [['--nope'], "unknown option '--nope'"],
    [['extra'], 'too many arguments'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseConfig(info, argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(info, argv, {})).toThrow(message);
  });

  it.each([
    [{ CDN_PORT: 'x' }, 'CDN_PORT must be an integer 1-65535, got "x"'],
    [{ CDN_CACHE_ENABLED: 'sometimes' }, 'CDN_CACHE_ENABLED must be true or false, got "sometimes"'],
    [{ CDN_LOG_LEVEL: 'LOUD' }, 'CDN_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, got "LOUD"'],
  ])('rejects the variables %j', (env, message) => {
    expect(() => parseConfig(info, [], env)).toThrow(message);
  });

  it('never echoes the password of a URL it rejects', () => {
    const urls = { ...info, options: ['cacheRedisUrl', 'natsUrl'] as const };
    expect(() => parseConfig(urls, ['--cache-redis-url', 'http://:s3cret@cache:6379'], {})).toThrow('--cache-redis-url must be a redis:// or rediss:// URL (comma-separated for a cluster\'s seed nodes), got "http://:***@cache:6379"');
    expect(() => parseConfig(urls, ['--cache-redis-url', 'redis://:s3cret@a:7000,http://:s3cret@b:7001'], {})).toThrow('got "redis://:***@a:7000,http://:***@b:7001"');
    expect(parseConfig(urls, ['--cache-redis-url', 'redis://a:7000, rediss://b:7001'], {}).cacheRedisUrl).toBe('redis://a:7000, rediss://b:7001');
    expect(() => parseConfig(urls, [], { CDN_NATS_URL: 'http://edge:s3cret@nats:4222' })).toThrow('CDN_NATS_URL must be a nats:// URL (comma-separated for a cluster), got "http://edge:***@nats:4222"');
    expect(() => parseConfig(urls, ['--cache-redis-url', 'rediss//:s3cret@cache:6379'], {})).toThrow('got "***@cache:6379"');
  });

  it('collects a repeatable flag, or a comma-separated variable', () => {
    const hooks = { ...info, options: ['alertWebhooks', 'panicRouting', 'lbStrategy', 'cacheMaxBytes'] as const };
    expect(parseConfig(hooks, ['--alert-webhook', 'http://a/x', '--alert-webhook', 'https://b/y'], {}).alertWebhooks).toEqual(['http://a/x', 'https://b/y']);
    expect(parseConfig(hooks, [], { CDN_ALERT_WEBHOOK: 'http://a/x, http://c/z' }).alertWebhooks).toEqual(['http://a/x', 'http://c/z']);
    expect(parseConfig(hooks, [], {}).alertWebhooks).toEqual([]);
    expect(() => parseConfig(hooks, ['--alert-webhook', 'ftp://x'], {})).toThrow('--alert-webhook must be an http:// or https:// URL');
    expect(parseConfig(hooks, [], {}).panicRouting).toBe(true);
    expect(parseConfig(hooks, ['--disable-panic-routing'], {}).panicRouting).toBe(false);
    expect(() => parseConfig(hooks, ['--lb-strategy', 'random'], {})).toThrow('--lb-strategy must be one of default, weighted, least-load, geo, consistent-hash');
    expect(parseConfig(hooks, ['--cache-max-bytes', '64MiB'], {}).cacheMaxBytes).toBe(64 * 1024 * 1024);
    expect(() => parseConfig(hooks, ['--cache-max-bytes', '12 parsecs'], {})).toThrow('--cache-max-bytes must be a size in bytes');
  });

  it('ignores variables of options the program does not take', () => {
    const edgeInfo = { ...info, options: ['port'] as const };
    expect(parseConfig(edgeInfo, [], { CDN_NODE_TIMEOUT: 'garbage' }).nodeTimeout).toBe(10);
  });

  it('ignores switch variables of options the program does not take', () => {
    const edge = programInfo('edge');
    expect(parseConfig(edge, [], { CDN_RESET_CONFIG: 'garbage', CDN_RESET_CONFIG_X: '1' }).resetConfig).toBe(false);
    expect(parseConfig(edge, [], { CDN_RESET_CONFIG: 'true' }).resetConfig).toBe(false);
    expect(() => parseConfig(programInfo('control-plane'), [], { CDN_RESET_CONFIG: 'garbage' })).toThrow('CDN_RESET_CONFIG must be true or false');
  });

  it('takes --log-file - (or an empty path) as no log file', () => {
    expect(parseConfig(info, ['--log-file', '-'], {}).logFile).toBe('-');
    expect(parseConfig(info, ['--log-file', ''], {}).logFile).toBe('-');
    expect(parseConfig(info, [], { CDN_LOG_FILE: '-' }).logFile).toBe('-');
  });

  it.each(['all-in-one', 'control-plane', 'edge'] as const)('%s accepts every one of its options with a valid value', (program) => {
    const token = 'a-token-of-sixteen+';
    const samples: Partial<Record<string, string>> = {
      natsUrl: 'nats://127.0.0.1:4222', edgeId: 'edge-a', cacheRedisUrl: 'redis://127.0.0.1:6379', alertWebhooks: 'http://127.0.0.1/hook',
      adminTokens: token, viewerTokens: token, adminCorsOrigins: 'https://admin.example.com', nodeUrlAllow: '*.example.com', adminPort: '9000',
      trustedProxies: '10.0.0.0/8', natsUser: 'cdn', natsPassword: 'secret', natsToken: token, replicaId: 'cp-1', stateDir: '/var/lib/cdn',
    };
    for (const key of programOptions(program)) {
      const spec = OPTION_SPECS[key];
      const flag = spec.flags.split(' ')[0];
      // Options that name a file take any readable one here.
      const sample = samples[key] ?? (spec.parse === readableFile ? __filename : String(spec.default));
      const argv = spec.switch ? [flag] : [flag, sample];
      expect(() => parseConfig(programInfo(program), argv, {}), argv.join(' ')).not.toThrow();
    }
  });

  it('the control plane does not take --cache-time: caching is the edges\' business', () => {
    expect(() => parseConfig(programInfo('control-plane'), ['--cache-time', '5'], {})).toThrow("unknown option '--cache-time'");
  });
});
