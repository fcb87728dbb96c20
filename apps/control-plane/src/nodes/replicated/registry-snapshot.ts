import type { SavedTable } from '../../state/node-state-store';
import type { NodeRegistry } from '../node-registry';
import { storedValue } from '../stored-values';

/** The node table as the nodes file's snapshot: every node as it is now, nothing waiting for the save. */
export function snapshotOf(registry: NodeRegistry): SavedTable {
  const done = () => undefined;
  return { snapshot: () => ({ entries: registry.list().map((node) => [node.id, storedValue(node)] as const), saved: done, failed: done }) };
}
