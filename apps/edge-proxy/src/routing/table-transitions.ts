import type { RoutingState } from './routing-state';
import { formatAge, tableAgeSeconds } from './table-origin';

/** A line for the log. */
export interface LogLine {
  level: 'info' | 'warn';
  message: string;
}

/**
 * What the log says when `next` replaces `previous` (pure): the saved table served at start (WARNING: the edge
 * routes by old knowledge), every live table, and the step from a saved table to the live one.
 */
export function tableTransitionLines(next: RoutingState, previous: RoutingState | undefined, now: number, waitingFor: string): LogLine[] {
  const { table, origin } = next;
  if (origin.source === 'saved') {
    const age = formatAge(tableAgeSeconds(origin, now));
    return [
      {
        level: 'warn',
        message:
          `Serving the routing table saved at ${new Date(origin.savedAt).toISOString()} (revision ${table.revision}, ${table.nodes.length} nodes, ${next.activeCount} active; ${age} old) ` +
          `from ${origin.from} until ${waitingFor} answers`,
      },
    ];
  }
  const lines: LogLine[] = [{ level: 'info', message: `Applied routing revision ${table.revision}: ${table.nodes.length} nodes, ${next.activeCount} active` }];
  if (previous?.origin.source !== 'saved') return lines;
  const was = previous.table.revision;
  const reconciled = `Reconciled to live routing revision ${table.revision} (was serving saved revision ${was})`;
  // Revisions only grow within one bucket: a lower one means the bucket was made again (NATS lost its store).
  if (table.revision >= was) lines.push({ level: 'info', message: reconciled });
  else lines.push({ level: 'warn', message: `${reconciled}; the live revision is lower, so the routing bucket was recreated since the table was saved, and the live bucket wins` });
  return lines;
}
