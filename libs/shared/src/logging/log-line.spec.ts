import { describe, expect, it } from 'vitest';
import { formatJsonLine, formatTextLine } from './log-line';

const time = Date.parse('2026-01-02T03:04:05.678Z');

describe('log lines', () => {
  it('keep the message last, so awk $NF reads the response time', () => {
    const line = formatTextLine({ level: 30, time, name: 'edge-proxy', msg: 'GET /cdn/a 200 HIT node1 response_time 0.412' });
    expect(line).toBe('2026-01-02T03:04:05.678Z INFO    edge-proxy: GET /cdn/a 200 HIT node1 response_time 0.412\n');
    expect(line.trim().split(/\s+/).pop()).toBe('0.412');
  });

  it('name levels as the seed does', () => {
    expect(formatTextLine({ level: 40, time, msg: 'm' })).toContain(' WARNING ');
    expect(formatTextLine({ level: 50, time, msg: 'm' })).toContain(' ERROR ');
    expect(formatTextLine({ level: 20, time, msg: 'm' })).toContain(' DEBUG ');
  });

  it('add the error of lines that carry one', () => {
    expect(formatTextLine({ level: 50, time, msg: 'Failed to forward request', err: { code: 'ECONNREFUSED', message: 'connect refused' } })).toContain(
      'Failed to forward request (ECONNREFUSED: connect refused)',
    );
  });

  it('write JSON with a level name and an ISO time', () => {
    expect(JSON.parse(formatJsonLine({ level: 40, time, msg: 'm', node: 'n1' }))).toEqual({ level: 'WARNING', time: '2026-01-02T03:04:05.678Z', msg: 'm', node: 'n1' });
  });
});
