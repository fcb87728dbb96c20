/** Client targets the edge serves: /cdn/<path>?<query>. */
export const CDN_PREFIX = '/cdn/';

/** What a node is asked for: the client's target without "/cdn" (joined to the node's own base path). */
export function nodePath(clientTarget: string): string {
  return clientTarget.slice(CDN_PREFIX.length - 1);
}
