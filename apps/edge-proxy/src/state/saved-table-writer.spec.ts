import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRoutingTable, createLogger, RoutingTable } from '@cdn/shared';
import { eventually } from '../../../../test/support/ports';
import { tempDir } from '../../../../test/support/processes';
import { decodeSavedTable, SAVED_TABLE_FILE } from './saved-table';
import { createSavedTableWriter, SavedTableWriter, SavedTableWriterOptions } from './saved-table-writer';

const T = Date.parse('2026-05-06T07:08:09.010Z');
const tableAt = (revision: number, cacheEnabled = true): RoutingTable =>
  buildRoutingTable(revision, [{ id: 'n1', url: 'http://127.0.0.1:9', location: 'eu', capacity: 1, status: 'active', load: revision }], { cacheEnabled });

let writer: SavedTableWriter | undefined;
afterEach(async () => writer?.close());

function setUp(options: Partial<SavedTableWriterOptions> = {}) {
  const file = path.join(tempDir(), SAVED_TABLE_FILE);
  const logs: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line));
      callback();
    },
  });
  const registry = new Registry();
  writer = createSavedTableWriter({ file, edgeId: 'edge-a', logger: createLogger({ name: 'edge-proxy', level: 'DEBUG', destination }), registry, now: () => T, ...options });
  const writes = async (result: 'ok' | 'failed') => (await registry.getSingleMetric('cdn_edge_state_writes_total')!.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
  const onDisk = () => {
    const decoded = decodeSavedTable(fs.readFileSync(file, 'utf8'));
    return decoded.ok ? decoded.saved : undefined;
  };
  return { file, logs, registry, writer, writes, onDisk };
}

describe('the saved-table writer', () => {
  it('returns before anything is written; the table, its cache switch, when and by whom reach the disk soon after', async () => {
    const { file, writer, onDisk } = setUp();
    writer.save(tableAt(7, false), T - 5);
    expect(fs.existsSync(file)).toBe(false);
    await eventually(() => fs.existsSync(file));
    expect(onDisk()).toEqual({ table: tableAt(7, false), appliedAt: T - 5, savedAt: T, edgeId: 'edge-a' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('coalesces a burst of tables into a few writes, and the last one is on disk', async () => {
    const { writer, writes, onDisk, registry } = setUp({ minIntervalMs: 100 });
    for (let revision = 1; revision <= 200; revision++) writer.save(tableAt(revision), T);
    await eventually(async () => onDisk()?.table.revision === 200, 5_000);
    expect(await writes('ok')).toBeLessThanOrEqual(2);
    expect((await registry.getSingleMetric('cdn_edge_state_saved_revision')!.get()).values[0].value).toBe(200);
  });

  it('leaves no temporary file behind', async () => {
    const { file, writer } = setUp({ minIntervalMs: 0 });
    for (let revision = 1; revision <= 20; revision++) {
      writer.save(tableAt(revision), T);
      await writer.flush();
    }
    expect(fs.readdirSync(path.dirname(file))).toEqual([SAVED_TABLE_FILE]);
  });

  it('logs a failing write once per episode, counts every one, retries with the newest table, and says when it works again', async () => {
    const { file, writer, writes, logs, onDisk } = setUp({ minIntervalMs: 0, retryMs: 20 });
    // A directory where the file goes: every rename over it fails, as on a broken disk.
    fs.mkdirSync(path.join(file, 'blocker'), { recursive: true });
    writer.save(tableAt(1), T);
    await eventually(async () => (await writes('failed')) >= 3, 5_000);
    writer.save(tableAt(2), T);
    await eventually(async () => (await writes('failed')) >= 5, 5_000);
    const errors = logs.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).toEqual([expect.stringMatching(new RegExp(`^Cannot save the routing table to ${file}: E[A-Z]+: .*Serving goes on; .*Retrying every 0.02 s$`))]);

    fs.rmSync(file, { recursive: true });
    await eventually(async () => (await writes('ok')) === 1, 5_000);
    expect(onDisk()?.table.revision).toBe(2);
    expect(logs.filter((l) => l.level === 30).map((l) => l.msg)).toEqual([`Saved the routing table to ${file} again after 0 s of failures`]);
    expect(fs.readdirSync(path.dirname(file))).toEqual([SAVED_TABLE_FILE]);
  });

  it('close writes the table still waiting for its turn', async () => {
    const { writer, onDisk } = setUp({ minIntervalMs: 60_000 });
    writer.save(tableAt(1), T);
    await writer.flush();
    writer.save(tableAt(2), T);
    await new Promise((r) => setTimeout(r, 50));
    expect(onDisk()?.table.revision).toBe(1);
    await writer.close();
    expect(onDisk()?.table.revision).toBe(2);
  });
});
