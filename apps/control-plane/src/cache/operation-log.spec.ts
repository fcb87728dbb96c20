import { describe, expect, it } from 'vitest';
import { createOperation } from './cache-operation';
import { OperationLog, OPERATION_TTL_MS } from './operation-log';

const T0 = 1_700_000_000_000;
const warm = (id: string, now: number, liveEdges = ['edge-a']) => createOperation({ id, type: 'warm', request: { urls: ['/cdn/a'] }, now, liveEdges });

describe('OperationLog', () => {
  it('keeps an operation for one hour', () => {
    let now = T0;
    const log = new OperationLog(() => now);
    log.add(warm('a', now));
    now = T0 + OPERATION_TTL_MS - 1;
    expect(log.get('a')?.id).toBe('a');
    now = T0 + OPERATION_TTL_MS;
    expect(log.get('a')).toBeUndefined();
  });

  it('drops the oldest past its bound', () => {
    const now = T0;
    const log = new OperationLog(() => now, OPERATION_TTL_MS, 2);
    log.add(warm('a', now));
    log.add(warm('b', now));
    log.add(warm('c', now));
    expect([log.get('a'), log.get('b')?.id, log.get('c')?.id]).toEqual([undefined, 'b', 'c']);
  });

  it('counts the operations still waiting for receipts', () => {
    const log = new OperationLog(() => T0);
    log.add(warm('a', T0));
    log.add(warm('b', T0, []));
    expect(log.pendingCount()).toBe(1);
  });
});
