import { Writable } from 'node:stream';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@cdn/shared';
import { BoundCounter, BoundHistogram } from '../observability/bound-metrics';
import { UpstreamMetrics } from '../observability/upstream-metrics';
import { createProtocolErrors } from './protocol-errors';

function protocolErrors() {
  const registry = new Registry();
  const registers = [registry];
  const metrics = new UpstreamMetrics(
    new BoundCounter({ name: 'answers_total', help: 'a', labelNames: ['node', 'status_class'], registers }),
    new BoundHistogram({ name: 'duration_seconds', help: 'd', labelNames: ['node'], buckets: [0.1], registers }),
    new Counter({ name: 'errors_total', help: 'e', labelNames: ['node', 'code'], registers }),
    new Counter({ name: 'protocol_errors_total', help: 'p', labelNames: ['node', 'reason'], registers }),
  );
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()).msg);
      done();
    },
  });
  let clock = 0;
  const errors = createProtocolErrors({ metrics, logger: createLogger({ name: 'edge-proxy', destination }), now: () => clock });
  return { errors, registry, lines, advance: (ms: number) => (clock += ms) };
}

describe('protocol errors of nodes', () => {
  it('counts every fault by node and reason', async () => {
    const { errors, registry } = protocolErrors();
    errors.report('a', 'excess_bytes', 'x');
    errors.report('a', 'excess_bytes', 'x');
    errors.report('b', 'bytes_while_idle', 'x');
    const text = await registry.metrics();
    expect(text).toContain('protocol_errors_total{node="a",reason="excess_bytes"} 2');
    expect(text).toContain('protocol_errors_total{node="b",reason="bytes_while_idle"} 1');
  });

  it('logs each node at most once a minute, then says how many faults went unlogged', () => {
    const { errors, lines, advance } = protocolErrors();
    errors.report('a', 'excess_bytes', 'GET /cdn/x got the answer up to its end');
    errors.report('b', 'bytes_while_idle', 'closed');
    advance(30_000);
    errors.report('a', 'excess_bytes', 'again');
    errors.report('a', 'garbage_on_reused_connection', 'again');
    expect(lines).toEqual([
      'Node a sent bytes past the end of its answer (more than its Content-Length, or after its last chunk): GET /cdn/x got the answer up to its end',
      'Node b sent bytes on an idle keep-alive connection, where no answer was due: closed',
    ]);
    advance(30_000);
    errors.report('a', 'excess_bytes', 'later');
    expect(lines[2]).toBe('Node a sent bytes past the end of its answer (more than its Content-Length, or after its last chunk): later (2 more faults of this node since its last line)');
  });
});
