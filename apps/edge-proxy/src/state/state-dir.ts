import path from 'node:path';
import type { Registry } from 'prom-client';
import type { Logger } from '@cdn/shared';
import type { SavedStart } from '../routing/table-origin';
import { loadSavedTable, prepareStateDir } from './load-saved-table';
import { createSavedTableWriter, SavedTableWriter } from './saved-table-writer';

/** --state-dir, opened: what to start from, and where every applied table goes. */
export interface StateDir {
  /** The saved table to serve until the live one arrives, when there is a usable one. */
  saved: SavedStart | undefined;
  /** Why there is none, for /readyz. */
  noSavedTable: string | undefined;
  writer: SavedTableWriter;
}

export interface StateDirOptions {
  dir: string;
  edgeId: string;
  logger: Logger;
  registry: Registry;
  now?: () => number;
  /** False for the --workers workers after the first: they start from the saved table but never write it. */
  writes?: boolean;
}

/**
 * Opens --state-dir at start: creates it (a StartupError naming the flag when it cannot be written), reads the
 * saved table and logs what it found: a table to start from, none yet, or one set aside as unusable (ERROR).
 */
export function openStateDir(options: StateDirOptions): StateDir {
  const { logger, edgeId } = options;
  const now = options.now ?? Date.now;
  const file = prepareStateDir(options.dir);
  const dir = path.dirname(file);
  const writer = createSavedTableWriter({ file, edgeId, logger, registry: options.registry, now });
  if (options.writes === false) logger.info(`Starting from the routing table saved in ${file} (--state-dir), which the first worker writes`);
  else logger.info(`Saving every applied routing table to ${file} (--state-dir)`);
  const load = loadSavedTable(file, now());

  if (load.kind === 'none') {
    logger.info(`No saved routing table in ${dir} yet: this edge is not ready until NATS answers`);
    return { saved: undefined, noSavedTable: `no saved routing table in ${dir} (--state-dir) yet`, writer };
  }
  if (load.kind === 'unusable') {
    const where = load.keptAs ? `set aside as ${load.keptAs}` : 'and could not be set aside';
    logger.error(`The saved routing table ${file} is unusable: ${load.reason}; ${where}. Starting without it: not ready until NATS answers`);
    return { saved: undefined, noSavedTable: `the saved routing table in ${dir} was unusable (${where})`, writer };
  }
  for (const { entry, reason } of load.leftOut) logger.warn(`Left out ${entry} of the saved routing table ${file}: ${reason}`);
  if (load.saved.edgeId !== edgeId) logger.info(`The saved routing table in ${dir} was written by edge ${load.saved.edgeId}; this is edge ${edgeId}`);
  const { saved } = load;
  return { saved: { table: saved.table, savedAt: saved.savedAt, from: dir, leftOut: load.leftOut.length }, noSavedTable: undefined, writer };
}
