import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lineDestination } from './line-destination';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the log destination', () => {
  it('writes every record as its text line, and flush waits for them', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'log-')), 'cdn.log');
    const destination = lineDestination({ targets: [file], format: 'text' });
    const logger = pino({ name: 'edge-proxy', base: undefined }, destination);
    for (let i = 0; i < 1000; i++) logger.info(`line ${i}`);
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO    edge-proxy: line 999$/);
  });

  it('a log that cannot be written never takes the program down', async () => {
    const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'log-')), 'a-file');
    fs.writeFileSync(blocker, '');
    const logger = pino({ base: undefined }, lineDestination({ targets: [path.join(blocker, 'cdn.log')], format: 'text' }));
    logger.info('nowhere to go');
    await sleep(100);
    logger.info('still running');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  });
});
