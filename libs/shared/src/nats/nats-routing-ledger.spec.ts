import { describe, expect, it } from 'vitest';
import { RoutingLedger } from './nats-routing-ledger';

const put = (key: string, value: string) => ({ key, operation: 'PUT' as const, value });
const del = (key: string) => ({ key, operation: 'DEL' as const, value: '' });

describe('RoutingLedger', () => {
  it('cannot tell anything before the first full replace, nor after a failed write', () => {
    const ledger = new RoutingLedger();
    expect(ledger.agrees(put('node.x', 'rogue'))).toBe(true);
    expect(ledger.fixFor('node.x', { revision: 3, value: 'rogue' })).toBeUndefined();
    ledger.replace(new Map([['node.a', 'A']]));
    expect(ledger.agrees(put('node.x', 'rogue'))).toBe(false);
    ledger.distrust();
    expect(ledger.agrees(put('node.x', 'rogue'))).toBe(true);
  });

  it('agrees with what it wrote and deleted, and with nothing else', () => {
    const ledger = new RoutingLedger();
    ledger.replace(new Map([['node.a', 'A'], ['settings.cache', 'S']]));
    ledger.put('node.b', 'B');
    ledger.delete('node.a');
    expect(ledger.agrees(put('node.b', 'B'))).toBe(true);
    expect(ledger.agrees(del('node.a'))).toBe(true);
    expect(ledger.agrees(put('node.b', 'B2'))).toBe(false);
    expect(ledger.agrees(put('node.a', 'A'))).toBe(false);
    expect(ledger.agrees(del('settings.cache'))).toBe(false);
    expect(ledger.agrees(put('anything.else', 'x'))).toBe(false);
  });

  it('removes keys it never wrote, restores changed values and rewrites deleted ones', () => {
    const ledger = new RoutingLedger();
    ledger.replace(new Map([['node.a', 'A']]));
    expect(ledger.fixFor('node.rogue', { revision: 5, value: '{}' })).toEqual({ action: 'removed', write: undefined });
    expect(ledger.fixFor('node.a', { revision: 6, value: 'evil' })).toEqual({ action: 'restored', write: 'A' });
    expect(ledger.fixFor('node.a', { revision: 7, value: undefined })).toEqual({ action: 'rewritten', write: 'A' });
    expect(ledger.fixFor('node.a', { revision: 8, value: 'A' })).toBeUndefined();
    expect(ledger.fixFor('node.gone', { revision: 9, value: undefined })).toBeUndefined();
  });
});
