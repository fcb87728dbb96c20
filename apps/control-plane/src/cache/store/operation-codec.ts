import { cacheReceiptSchema } from '@cdn/shared';
import { z } from 'zod';
import type { CacheOperation } from '../cache-operation';

const strings = z.array(z.string());
const time = z.number().finite();

const common = {
  id: z.string().min(1),
  createdAt: time,
  expectedEdges: strings,
  receipts: z.array(cacheReceiptSchema),
  lostEdges: strings,
  sends: z.number().int().positive(),
  lastSentAt: time,
  completedAt: time.nullable(),
  warnings: strings,
};

/** An operation as it is saved (JSON): receipts as a list, in arrival order. Checked when read back. */
export const storedOperationSchema = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('purge'), request: z.object({ urls: strings, prefixes: strings, tags: strings, soft: z.boolean() }), sharedTierBy: z.string().nullable() }),
  z.object({ ...common, type: z.literal('warm'), request: z.object({ urls: strings }) }),
]);

export type StoredOperation = z.infer<typeof storedOperationSchema>;

export function toStoredOperation(operation: CacheOperation): StoredOperation {
  return { ...operation, receipts: [...operation.receipts.values()], lostEdges: [...operation.lostEdges], warnings: [...operation.warnings], expectedEdges: [...operation.expectedEdges] };
}

export function fromStoredOperation(stored: StoredOperation): CacheOperation {
  return { ...stored, receipts: new Map(stored.receipts.map((r) => [r.edgeId, r])) };
}

/** Operation ids are UUIDs; anything else asked for is unknown, and never reaches a store as a key. */
export function isOperationId(id: string): boolean {
  return /^[A-Za-z0-9-]{1,64}$/.test(id);
}
