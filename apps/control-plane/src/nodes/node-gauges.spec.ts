import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { initialHealth } from '../health/node-health';
import { registerNodeGauges } from './node-gauges';
import { newNode, NodeState } from './node-state';

const T0 = 1_700_000_000_000;
const node = (id: string, location: string, status: NodeState['health']['status'] = 'active'): NodeState => ({
  ...newNode({ id, url: `http://${id}.example`, location, capacity: 40 }, T0),
  currentLoad: 7,
  health: { ...initialHealth(T0, { drained: status === 'draining' }), status },
});

describe('node gauges', () => {
  it('say per node whether it is up or drained, its capacity and its heartbeat load', async () => {
    const registry = new Registry();
    registerNodeGauges(registry, () => [node('a', 'Beijing'), node('b', 'Paris', 'inactive'), node('c', 'Paris', 'draining')]);
    const text = await registry.metrics();
    expect(text).toContain('cdn_cp_node_up{node="a",location="Beijing"} 1');
    expect(text).toContain('cdn_cp_node_up{node="b",location="Paris"} 0');
    expect(text).toContain('cdn_cp_node_up{node="c",location="Paris"} 0');
    expect(text).toContain('cdn_cp_node_draining{node="c"} 1');
    expect(text).toContain('cdn_cp_node_draining{node="b"} 0');
    expect(text).toContain('cdn_cp_node_capacity{node="a"} 40');
    expect(text).toContain('cdn_cp_node_load{node="b"} 7');
  });

  it('drop a node that was deregistered', async () => {
    const registry = new Registry();
    let nodes = [node('a', 'Beijing'), node('gone', 'Paris')];
    registerNodeGauges(registry, () => nodes);
    expect(await registry.metrics()).toContain('node="gone"');
    nodes = [node('a', 'Beijing')];
    expect(await registry.metrics()).not.toContain('node="gone"');
  });
});
