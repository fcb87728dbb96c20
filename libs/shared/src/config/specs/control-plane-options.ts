/** Options of the control plane: node state, health checks and alerts. */
import { edgeId, httpUrl, integerIn, nonEmpty, urlPath } from '../option-parsers';
import { CP, type OptionSpec } from '../option-spec';
import type { OptionName } from '../options';

export const CONTROL_PLANE_OPTIONS = {
  nodeTimeout: {
    key: 'nodeTimeout', programs: CP, flags: '--node-timeout <seconds>', description: 'a node without a heartbeat for this long becomes inactive',
    env: 'CDN_NODE_TIMEOUT', parse: integerIn(1, 86400), default: 10,
  },
  healthInterval: {
    key: 'healthInterval', programs: CP, flags: '--health-interval <seconds>', description: 'health-check period',
    env: 'CDN_HEALTH_INTERVAL', parse: integerIn(1, 3600), default: 5,
  },
  resetConfig: { key: 'resetConfig', programs: CP, flags: '--reset-config', description: 'start with no saved nodes', env: 'CDN_RESET_CONFIG', default: false, switch: true },
  nodesFile: { key: 'nodesFile', programs: CP, flags: '--nodes-file <path>', description: 'where node state is saved', env: 'CDN_NODES_FILE', parse: nonEmpty, default: './cdn_nodes.json' },
  healthPath: {
    key: 'healthPath', programs: CP, flags: '--health-path <path>', description: 'path probed on every node; any answer below 500 counts as up',
    env: 'CDN_HEALTH_PATH', parse: urlPath, default: '/health',
  },
  healthyThreshold: {
    key: 'healthyThreshold', programs: CP, flags: '--healthy-threshold <n>', description: 'consecutive successful probes that bring a node back',
    env: 'CDN_HEALTHY_THRESHOLD', parse: integerIn(1, 100), default: 2,
  },
  unhealthyThreshold: {
    key: 'unhealthyThreshold', programs: CP, flags: '--unhealthy-threshold <n>', description: 'consecutive failed probes that mark a node inactive',
    env: 'CDN_UNHEALTHY_THRESHOLD', parse: integerIn(1, 100), default: 3,
  },
  probeTimeout: {
    key: 'probeTimeout', programs: CP, flags: '--probe-timeout <seconds>', description: 'a probe without an answer for this long fails',
    env: 'CDN_PROBE_TIMEOUT', parse: integerIn(1, 300), default: 2,
  },
  alertWebhooks: {
    key: 'alertWebhooks', programs: CP, flags: '--alert-webhook <url>', description: 'POST alerts as JSON to this URL (repeatable)',
    env: 'CDN_ALERT_WEBHOOK', parse: httpUrl, default: [], repeatable: true,
  },
  alertDelay: {
    key: 'alertDelay', programs: CP, flags: '--alert-delay <seconds>', description: 'a node_down or all_nodes_down condition must hold this long before its alert goes out',
    env: 'CDN_ALERT_DELAY', parse: integerIn(0, 3600), default: 10,
  },
  leaderLease: {
    key: 'leaderLease', programs: CP, splitOnly: true, flags: '--leader-lease <seconds>', description: 'a leader that stops renewing its lease is replaced after this long',
    env: 'CDN_LEADER_LEASE', parse: integerIn(3, 300), default: 10,
  },
  replicaId: {
    key: 'replicaId', programs: CP, splitOnly: true, flags: '--replica-id <id>', description: 'this control plane\'s name among the replicas (default: hostname-pid)',
    env: 'CDN_REPLICA_ID', parse: edgeId,
  },
} satisfies Partial<Record<OptionName, OptionSpec>>;
