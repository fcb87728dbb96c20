/** Names shared by every process on the NATS bus. */

/** The JetStream KV bucket holding the routing state: one key per node, one per setting. */
export const ROUTING_BUCKET = 'cdn_routing';

export const NODE_KEY_PREFIX = 'node.';
export const SETTINGS_KEY = 'settings.cache';

/** Node ids may contain dots and start with "-": encode them so every id is one valid KV key token. */
export function nodeKey(id: string): string {
  return NODE_KEY_PREFIX + Buffer.from(id, 'utf8').toString('base64url');
}

export function isNodeKey(key: string): boolean {
  return key.startsWith(NODE_KEY_PREFIX);
}
