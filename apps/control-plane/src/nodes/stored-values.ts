import { serializeNode } from '../state/node-state-file';
import { NodeState, toStoredNode } from './node-state';

/**
 * Each node's value in cdn_nodes.json, kept for as long as the node is unchanged (a NodeState is never
 * changed in place: every change makes a new one). A save of 10,000 nodes, most of them unchanged since
 * the last, then costs a join instead of turning every node into JSON again.
 */
const values = new WeakMap<NodeState, string>();

export function storedValue(node: NodeState): string {
  let value = values.get(node);
  if (value === undefined) {
    value = serializeNode(toStoredNode(node));
    values.set(node, value);
  }
  return value;
}
