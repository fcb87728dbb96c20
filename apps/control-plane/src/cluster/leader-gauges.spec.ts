import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerLeaderGauges } from './leader-gauges';
import { Leadership, SoleLeadership } from './leadership';

describe('leader gauges', () => {
  it('one control plane names itself the leader', async () => {
    const registry = new Registry();
    registerLeaderGauges(registry, new SoleLeadership('cp-1'));
    const text = await registry.metrics();
    expect(text).toContain('cdn_cp_leader{replica="cp-1"} 1');
    expect(text).toContain('cdn_cp_is_leader 1');
  });

  it('a follower names the leader it knows, and no leader while none is known', async () => {
    const registry = new Registry();
    let leader: string | undefined = 'cp-2';
    const follower: Leadership = { self: 'cp-1', isLeader: () => false, leaderId: () => leader, onChange: () => undefined, view: async () => ({ self: 'cp-1', leader: null, replicas: [], lease_expires_at: null }) };
    registerLeaderGauges(registry, follower);
    let text = await registry.metrics();
    expect(text).toContain('cdn_cp_leader{replica="cp-2"} 1');
    expect(text).toContain('cdn_cp_is_leader 0');
    leader = undefined;
    text = await registry.metrics();
    expect(text).not.toContain('cdn_cp_leader{');
  });
});
