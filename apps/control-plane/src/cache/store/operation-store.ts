import type { ErrorCode } from '@cdn/shared';
import type { StoredOperation } from './operation-codec';

/**
 * Where cache operations are kept, so that a restarted control plane still answers for them and keeps
 * delivering the pending ones: a JetStream KV bucket in the split deployment, a file beside the nodes
 * file in the all-in-one server. Every implementation keeps an operation for at least an hour.
 */
export interface OperationStore {
  /** What the store is, for messages: "the JetStream KV bucket cdn_operations". */
  readonly name: string;
  /** What a refused operation answers when this store cannot save it (bus_unavailable, state_not_writable). */
  readonly failureCode: ErrorCode;
  /** Every operation kept. */
  loadAll(): Promise<StoredOperation[]>;
  /** Saves an operation, replacing what was saved of it; rejects when it could not be saved. */
  put(operation: StoredOperation): Promise<void>;
  /** One operation (one this process does not hold, e.g. made by another replica); undefined when unknown. */
  get(id: string): Promise<StoredOperation | undefined>;
  close(): Promise<void>;
}
