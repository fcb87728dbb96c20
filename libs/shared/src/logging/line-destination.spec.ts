import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lineDestination } from './line-destination';
import { requestLogOf } from './request-log';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tempFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'log-')), name);
const flushed = (logger: pino.Logger) => new Promise<void>((resolve) => logger.flush(() => resolve()));

describe('the log destination', () => {
  it('writes every record as its text line, and flush waits for them', async () => {
    const file = tempFile('cdn.log');
    const logger = pino({ name: 'edge-proxy', base: undefined }, lineDestination({ targets: [{ dest: file, requests: true }], format: 'text' }));
    for (let i = 0; i < 1000; i++) logger.info(`line ${i}`);
    await flushed(logger);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO    edge-proxy: line 999$/);
  });

  it('writes per-request lines only to the targets that take them, in the same format as other lines', async () => {
    const all = tempFile('all.log');
    const events = tempFile('events.log');
    const destination = lineDestination({ targets: [{ dest: all, requests: true }, { dest: events, requests: false }], format: 'text' });
    const logger = pino({ name: 'cdn', base: undefined }, destination).child({ name: 'edge-proxy' });
    logger.info('Cache enabled');
    requestLogOf(logger).info('GET /cdn/a 200 HIT node1 response_time 0.100');
    await flushed(logger);
    const allLines = fs.readFileSync(all, 'utf8').trimEnd().split('\n');
    expect(allLines).toHaveLength(2);
    expect(allLines[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO    edge-proxy: GET \/cdn\/a 200 HIT node1 response_time 0\.100$/);
    expect(fs.readFileSync(events, 'utf8').trimEnd().split('\n')).toEqual([allLines[0]]);
  });

  it('writes per-request JSON lines with the fields of every other JSON line', async () => {
    const file = tempFile('cdn.log');
    const logger = pino({ name: 'edge-proxy', base: undefined }, lineDestination({ targets: [{ dest: file, requests: true }], format: 'json' }));
    logger.info('event');
    requestLogOf(logger).info('request');
    await flushed(logger);
    const [event, request] = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(request)).toEqual(Object.keys(event));
    expect(request).toMatchObject({ level: 'INFO', name: 'edge-proxy', msg: 'request' });
  });

  it('tells the request log its format, and writes a JSON line\'s fields after its message', async () => {
    const file = tempFile('cdn.log');
    const json = pino({ name: 'edge-proxy', base: undefined }, lineDestination({ targets: [{ dest: file, requests: true }], format: 'json' }));
    const text = pino({ base: undefined }, lineDestination({ targets: [{ dest: tempFile('text.log'), requests: true }], format: 'text' }));
    expect(requestLogOf(json).json).toBe(true);
    expect(requestLogOf(text).json).toBe(false);
    requestLogOf(json).info('access', '"path":"/cdn/\\"x\\u0000","status":200');
    await flushed(json);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ level: 'INFO', name: 'edge-proxy', msg: 'access', path: '/cdn/"x\u0000', status: 200 });
  });

  it('drops per-request lines below the logger level, and sends them through the logger when it has another destination', () => {
    const written: string[] = [];
    const quiet = pino({ level: 'warn', base: undefined }, { write: (line: string) => void written.push(line) });
    requestLogOf(quiet).info('not wanted');
    const plain = pino({ base: undefined }, { write: (line: string) => void written.push(line) });
    requestLogOf(plain).info('through pino');
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0])).toMatchObject({ msg: 'through pino' });
  });

  it('a log that cannot be written never takes the program down', async () => {
    const blocker = tempFile('a-file');
    fs.writeFileSync(blocker, '');
    const logger = pino({ base: undefined }, lineDestination({ targets: [{ dest: path.join(blocker, 'cdn.log'), requests: true }], format: 'text' }));
    logger.info('nowhere to go');
    requestLogOf(logger).info('nor this');
    await sleep(100);
    logger.info('still running');
    await flushed(logger);
  });
});
