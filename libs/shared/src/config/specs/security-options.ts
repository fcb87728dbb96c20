/** Options that lock a deployment down: admin credentials, listeners and their limits, trusted peers. */
import { byteSize, cidr, cidrOrHostPattern, integerIn, nonEmpty, readableFile, secretToken, webOrigin } from '../option-parsers';
import { ALL, CP, EDGE, type OptionSpec } from '../option-spec';
import type { OptionName } from '../options';

export const SECURITY_OPTIONS = {
  adminTokens: {
    key: 'adminTokens', programs: CP, flags: '--admin-token <token>', description: 'require Authorization: Bearer <token> on the admin API; repeatable, for rotation',
    env: 'CDN_ADMIN_TOKEN', parse: secretToken, default: [], repeatable: true,
  },
  adminTokenFile: {
    key: 'adminTokenFile', programs: CP, flags: '--admin-token-file <path>', description: 'admin tokens, one per line (a mounted Secret; re-read when it changes)',
    env: 'CDN_ADMIN_TOKEN_FILE', parse: readableFile,
  },
  viewerTokens: {
    key: 'viewerTokens', programs: CP, flags: '--viewer-token <token>', description: 'a token that may only read (GET) the admin API; repeatable',
    env: 'CDN_VIEWER_TOKEN', parse: secretToken, default: [], repeatable: true,
  },
  viewerTokenFile: {
    key: 'viewerTokenFile', programs: CP, flags: '--viewer-token-file <path>', description: 'viewer tokens, one per line (re-read when it changes)',
    env: 'CDN_VIEWER_TOKEN_FILE', parse: readableFile,
  },
  adminCorsOrigins: {
    key: 'adminCorsOrigins', programs: CP, flags: '--admin-cors-origin <origin>', description: 'a browser origin allowed to call the admin API; others are refused (repeatable)',
    env: 'CDN_ADMIN_CORS_ORIGIN', parse: webOrigin, default: [], repeatable: true,
  },
  nodeUrlAllow: {
    key: 'nodeUrlAllow', programs: CP, flags: '--node-url-allow <cidr|host>', description: 'only register node URLs whose host matches (CIDR, address, or host pattern like *.example.com); repeatable',
    env: 'CDN_NODE_URL_ALLOW', parse: cidrOrHostPattern, default: [], repeatable: true,
  },
  maxNodes: {
    key: 'maxNodes', programs: CP, flags: '--max-nodes <n>', description: 'most nodes that may be registered',
    env: 'CDN_MAX_NODES', parse: integerIn(1, 1_000_000), default: 10_000,
  },
  adminHost: {
    key: 'adminHost', programs: EDGE, flags: '--admin-host <host>', description: 'address of the admin listener (with --admin-port)',
    env: 'CDN_ADMIN_HOST', parse: nonEmpty, default: '127.0.0.1',
  },
  adminPort: {
    key: 'adminPort', programs: EDGE, flags: '--admin-port <port>', description: 'serve the admin API and /metrics on this port instead of the client port',
    env: 'CDN_ADMIN_PORT', parse: integerIn(1, 65535),
  },
  headerTimeout: {
    key: 'headerTimeout', programs: ALL, flags: '--header-timeout <seconds>', description: 'a client must send its request headers within this time',
    env: 'CDN_HEADER_TIMEOUT', parse: integerIn(1, 3600), default: 20,
  },
  idleTimeout: {
    key: 'idleTimeout', programs: ALL, flags: '--idle-timeout <seconds>', description: 'a connection on which no byte moves either way for this long is closed (stalled bodies, silent sockets)',
    env: 'CDN_IDLE_TIMEOUT', parse: integerIn(1, 86400), default: 60,
  },
  keepAliveTimeout: {
    key: 'keepAliveTimeout', programs: ALL, flags: '--keepalive-timeout <seconds>', description: 'an idle keep-alive connection is closed after this long',
    env: 'CDN_KEEPALIVE_TIMEOUT', parse: integerIn(1, 3600), default: 5,
  },
  maxConnections: {
    key: 'maxConnections', programs: ALL, flags: '--max-connections <n>', description: 'client connections accepted at once; 0: half the open-file limit',
    env: 'CDN_MAX_CONNECTIONS', parse: integerIn(0, 10_000_000), default: 0,
  },
  maxHeaderSize: {
    key: 'maxHeaderSize', programs: ALL, flags: '--max-header-size <size>', description: 'largest request head (request line and headers) accepted; larger gets 431',
    env: 'CDN_MAX_HEADER_SIZE', parse: byteSize(1024, 1024 * 1024), default: 16 * 1024,
  },
  trustedProxies: {
    key: 'trustedProxies', programs: EDGE, flags: '--trusted-proxy <cidr>', description: 'a load balancer in front whose X-Forwarded-* and Forwarded headers are kept (repeatable); others are replaced',
    env: 'CDN_TRUSTED_PROXY', parse: cidr, default: [], repeatable: true,
  },
  cacheRedisTlsCa: {
    key: 'cacheRedisTlsCa', programs: EDGE, flags: '--cache-redis-tls-ca <file>', description: 'CA certificate (PEM) that signs the rediss:// server\'s certificate',
    env: 'CDN_CACHE_REDIS_TLS_CA', parse: readableFile,
  },
} satisfies Partial<Record<OptionName, OptionSpec>>;
