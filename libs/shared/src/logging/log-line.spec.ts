import { describe, expect, it } from 'vitest';
import { formatJsonLine, formatTextLine, requestLineFormat } from './log-line';

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

describe('per-request lines', () => {
  it('keep the text line as it was, whatever fields the JSON form would have', () => {
    const line = requestLineFormat('text')('edge-proxy', 'GET /cdn/a 200 HIT node1 response_time 0.412', '"status":200');
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO    edge-proxy: GET \/cdn\/a 200 HIT node1 response_time 0\.412\n$/);
  });

  it('write JSON with level, time, name and msg first, then the fields', () => {
    const line = requestLineFormat('json')('edge-proxy', 'access', '"status":200,"node":null');
    expect(line.endsWith('}\n')).toBe(true);
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['level', 'time', 'name', 'msg', 'status', 'node']);
    expect(record).toMatchObject({ level: 'INFO', name: 'edge-proxy', msg: 'access', status: 200, node: null });
    expect(Number.isNaN(Date.parse(record.time as string))).toBe(false);
  });

  it('escape a hostile message and name in JSON', () => {
    const message = 'Forwarding GET /cdn/"a\\b\n\u0000\u2028\ud800é😀 to n1';
    const record = JSON.parse(requestLineFormat('json')('na"me', message)) as Record<string, unknown>;
    expect(record).toMatchObject({ name: 'na"me', msg: message });
  });
});
