import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from '@cdn/shared';
import { writeFileAtomic } from '../../state/atomic-write';
import { CoalescingWriter } from '../../state/coalescing-writer';
import { keepAside } from '../../state/keep-aside';
import { OPERATION_TTL_MS } from '../operation-log';
import { StoredOperation, storedOperationSchema } from './operation-codec';
import type { OperationStore } from './operation-store';

/** `cdn_nodes.json` → `cdn_nodes.operations.json`: beside the nodes file, and one per nodes file. */
export function operationsFileFor(nodesFile: string): string {
  const parsed = path.parse(nodesFile);
  return path.join(parsed.dir, `${parsed.ext === '.json' ? parsed.name : parsed.base}.operations.json`);
}

/**
 * The all-in-one server's operations: one JSON file, rewritten atomically (as the nodes file) after every
 * change, with the saves of a burst of receipts coalesced. Operations older than an hour are dropped on
 * each save. There is no bus to outlive the process, and the server's own state directory is already
 * where an operator looks for its state.
 */
export function createFileOperationStore(options: { file: string; logger: Logger; now?: () => number }): OperationStore {
  const { file, logger } = options;
  const now = options.now ?? Date.now;
  const operations = new Map<string, StoredOperation>();
  const writer = new CoalescingWriter(async () => {
    const oldest = now() - OPERATION_TTL_MS;
    for (const [id, operation] of operations) if (operation.createdAt <= oldest) operations.delete(id);
    await writeFileAtomic(file, `${JSON.stringify([...operations.values()])}\n`);
  });

  return {
    failureCode: 'state_not_writable',
    name: `the file ${file}`,
    async loadAll() {
      let content: Buffer;
      try {
        content = await fs.readFile(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      let data: unknown;
      try {
        data = JSON.parse(content.toString('utf8'));
      } catch (err) {
        const keptAs = await keepAside(file, content, now());
        logger.error(`Cache operations file ${file} is not valid JSON (${(err as Error).message}); kept a copy as ${keptAs} and starting without its operations`);
        return [];
      }
      for (const item of Array.isArray(data) ? data : []) {
        const parsed = storedOperationSchema.safeParse(item);
        if (parsed.success) operations.set(parsed.data.id, parsed.data);
        else logger.warn(`Left out an invalid cache operation of ${file}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      }
      return [...operations.values()];
    },
    async put(operation) {
      operations.set(operation.id, operation);
      await writer.request();
    },
    async get(id) {
      return operations.get(id);
    },
    async close() {
      await writer.flush();
    },
  };
}
