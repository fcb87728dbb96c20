import { z } from 'zod';
import { buildRoutingTable, DEFAULT_ROUTING_SETTINGS, describeIssues, NODE_ID_PATTERN, RouteNode, routeNodeSchema, RoutingTable, routingSettingsSchema } from '@cdn/shared';

/** The file in --state-dir that holds the last applied routing table. */
export const SAVED_TABLE_FILE = 'routing-table.json';
/** Bumped when the layout changes; a file of another format is set aside, never guessed at. */
export const SAVED_TABLE_FORMAT = 1;

/** A routing table as an edge saved it: what it served, and when and by whom it was applied and saved. */
export interface SavedTable {
  table: RoutingTable;
  /** When the edge applied this table (ms since the epoch). */
  appliedAt: number;
  /** When the file was written (ms since the epoch); the table was current at least until then. */
  savedAt: number;
  /** The edge that wrote it. */
  edgeId: string;
}

/** A part of a saved table that failed the routing schema and was left out. */
export interface LeftOutEntry {
  /** `node <id>`, `node #<index>` when it has no usable id, or `settings`. */
  entry: string;
  reason: string;
}

export type DecodedSavedTable = { ok: true; saved: SavedTable; leftOut: LeftOutEntry[] } | { ok: false; reason: string };

/**
 * The file's layout. The envelope is snake_case like the other files and the admin API; `settings` and every
 * node are exactly what the control plane publishes in the routing bucket, so they are checked by the same schema.
 */
const envelopeSchema = z.object({
  format: z.literal(SAVED_TABLE_FORMAT),
  edge_id: z.string(),
  revision: z.number().int().nonnegative(),
  applied_at: z.iso.datetime(),
  saved_at: z.iso.datetime(),
  settings: z.unknown(),
  nodes: z.array(z.unknown()),
});

/** The file's text: one node per line, so that a diff or a `grep` of the file reads well. */
export function encodeSavedTable(saved: SavedTable): string {
  return assemble(saved, saved.table.nodes.map((node) => JSON.stringify(node)));
}

/** Nodes serialised between two pauses: about 1 ms of work. */
const SLICE = 1_000;

/**
 * The same text, serialised a slice of nodes at a time with `pause()` between slices: 10,000 nodes take ~15 ms,
 * which must not hold up the requests waiting on the event loop in one piece.
 */
export async function encodeSavedTableInSlices(saved: SavedTable, pause: () => Promise<void>): Promise<string> {
  const { nodes } = saved.table;
  const lines: string[] = [];
  for (let start = 0; start < nodes.length; start += SLICE) {
    if (start > 0) await pause();
    for (const node of nodes.slice(start, start + SLICE)) lines.push(JSON.stringify(node));
  }
  return assemble(saved, lines);
}

function assemble(saved: SavedTable, nodeLines: string[]): string {
  const head = {
    format: SAVED_TABLE_FORMAT,
    edge_id: saved.edgeId,
    revision: saved.table.revision,
    applied_at: new Date(saved.appliedAt).toISOString(),
    saved_at: new Date(saved.savedAt).toISOString(),
    settings: saved.table.settings,
  };
  const nodes = nodeLines.join(',\n    ');
  return `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "nodes": [${nodes ? `\n    ${nodes}\n  ` : ''}]\n}\n`;
}

/**
 * Reads a saved table entry by entry, as the live source reads the bucket: a node or settings value that fails
 * the routing schema is left out (settings then default to the cache on, as for a bucket without them), the rest
 * is kept. The file as a whole is refused when it is not ours to read (not JSON, another format, no revision) or
 * when it lists nodes and not one of them is valid: that is damage, not a table.
 */
export function decodeSavedTable(text: string): DecodedSavedTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `not a saved routing table of format ${SAVED_TABLE_FORMAT}: ${describeIssues(envelope.error)}` };
  const file = envelope.data;
  const leftOut: LeftOutEntry[] = [];

  const settings = routingSettingsSchema.safeParse(file.settings);
  if (!settings.success) leftOut.push({ entry: 'settings', reason: describeIssues(settings.error) });

  const nodes = new Map<string, RouteNode>();
  file.nodes.forEach((raw, index) => {
    const node = routeNodeSchema.safeParse(raw);
    const rawId = (raw as { id?: unknown } | null)?.id;
    // Named by its id only when that is a valid id: anything else could be any text.
    const entry = typeof rawId === 'string' && NODE_ID_PATTERN.test(rawId) ? `node ${rawId}` : `node #${index}`;
    if (!node.success) return void leftOut.push({ entry, reason: describeIssues(node.error) });
    if (nodes.has(node.data.id)) return void leftOut.push({ entry, reason: 'listed twice; the first is kept' });
    nodes.set(node.data.id, node.data);
  });
  if (file.nodes.length > 0 && nodes.size === 0) return { ok: false, reason: `none of its ${file.nodes.length} nodes is valid (${leftOut.find((l) => l.entry !== 'settings')!.reason})` };

  return {
    ok: true,
    saved: {
      table: buildRoutingTable(file.revision, nodes.values(), settings.success ? settings.data : DEFAULT_ROUTING_SETTINGS),
      appliedAt: Date.parse(file.applied_at),
      savedAt: Date.parse(file.saved_at),
      edgeId: file.edge_id,
    },
    leftOut,
  };
}
