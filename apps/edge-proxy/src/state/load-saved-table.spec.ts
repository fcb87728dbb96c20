import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRoutingTable, StartupError } from '@cdn/shared';
import { tempDir } from '../../../../test/support/processes';
import { loadSavedTable, prepareStateDir } from './load-saved-table';
import { encodeSavedTable, SAVED_TABLE_FILE } from './saved-table';

const NOW = Date.parse('2026-05-06T07:08:09.010Z');
const table = buildRoutingTable(4, [{ id: 'n1', url: 'http://127.0.0.1:9', location: 'eu', capacity: 1, status: 'active', load: 0 }], { cacheEnabled: true });

describe('--state-dir at start', () => {
  it('is created, for its owner only, when it does not exist', () => {
    const dir = path.join(tempDir(), 'state', 'edge');
    expect(prepareStateDir(dir)).toBe(path.join(dir, SAVED_TABLE_FILE));
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('that cannot be written is a start-up failure naming --state-dir', () => {
    const parent = tempDir();
    fs.writeFileSync(path.join(parent, 'file'), '');
    const dir = path.join(parent, 'file', 'state');
    expect(() => prepareStateDir(dir)).toThrow(StartupError);
    expect(() => prepareStateDir(dir)).toThrow(`Cannot write the saved routing table in ${dir}: a part of the path is a file; choose another --state-dir`);
  });

  it('loses the temporary files of a write that a crash cut short, and nothing else', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, `.${SAVED_TABLE_FILE}.tmp-123-1`), '{"format": 1, "rev');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    prepareStateDir(dir);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('holds no saved table the first time', () => {
    const file = prepareStateDir(tempDir());
    expect(loadSavedTable(file, NOW)).toEqual({ kind: 'none' });
  });

  it('gives back the table saved there', () => {
    const file = prepareStateDir(tempDir());
    fs.writeFileSync(file, encodeSavedTable({ table, appliedAt: NOW - 1000, savedAt: NOW - 900, edgeId: 'edge-a' }));
    expect(loadSavedTable(file, NOW)).toEqual({ kind: 'loaded', saved: { table, appliedAt: NOW - 1000, savedAt: NOW - 900, edgeId: 'edge-a' }, leftOut: [] });
  });

  it('sets a corrupt saved table aside as .corrupt-<time>, so the next save starts afresh', () => {
    const file = prepareStateDir(tempDir());
    fs.writeFileSync(file, '{"format": 1, "revi');
    const load = loadSavedTable(file, NOW);
    const keptAs = `${file}.corrupt-2026-05-06T07-08-09-010Z`;
    expect(load).toEqual({ kind: 'unusable', reason: expect.stringContaining('not valid JSON'), keptAs });
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(keptAs, 'utf8')).toBe('{"format": 1, "revi');
  });

  it('sets aside a saved table that cannot be read', () => {
    const file = prepareStateDir(tempDir());
    fs.mkdirSync(file);
    const load = loadSavedTable(file, NOW);
    expect(load).toMatchObject({ kind: 'unusable', reason: 'it cannot be read (EISDIR)' });
    expect(fs.existsSync(file)).toBe(false);
  });
});
