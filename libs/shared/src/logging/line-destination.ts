import type { DestinationStream } from 'pino';
import SonicBoom from 'sonic-boom';
import { formatJsonLine, formatTextLine, type LogRecord } from './log-line';

/** A pino destination with what the programs' shutdown needs: flush what is waiting, then call back. */
export interface LineDestination extends DestinationStream {
  flush(callback: (err?: Error) => void): void;
  /** Writes whole lines already formatted: a --workers primary writes its workers' lines, so each target has one writer. */
  writeLines(lines: string): void;
}

/**
 * Where a program's log lines go: each pino record turned into its line in the calling thread and written to
 * stdout and the log file without waiting. A write in progress gathers the lines that come meanwhile into
 * its next write, so a busy edge makes few large writes and a quiet one writes each line at once; nothing
 * ever waits on a disk or a terminal. (pino's worker-thread transport made the request path wait for room in
 * its shared buffer: a fifth of a cache hit's time in a profile.)
 */
export function lineDestination(options: { targets: readonly (number | string)[]; format: 'text' | 'json' }): LineDestination {
  const format = options.format === 'json' ? formatJsonLine : formatTextLine;
  // minLength 1 writes as soon as a line is there, like 0, but makes flush() wait for the writes in progress.
  // A log that cannot be written (a full disk, a closed pipe) must not take the program down: it is said once on
  // stderr, and its lines are dropped from then on.
  const broken = new Set<SonicBoom>();
  const sinks = options.targets.map((dest) => {
    const sink = new SonicBoom({ dest, sync: false, mkdir: true, append: true, minLength: 1 });
    sink.on('error', (err: Error) => {
      if (broken.has(sink)) return;
      broken.add(sink);
      process.stderr.write(`cannot write the log to ${dest === 1 ? 'stdout' : dest}: ${err.message}; its lines are dropped\n`);
    });
    return sink;
  });
  const working = () => sinks.filter((sink) => !broken.has(sink));
  // A process that exits without a shutdown (an uncaught error) still leaves its last lines.
  process.once('exit', () => {
    for (const sink of working()) {
      try {
        sink.flushSync();
      } catch {
        // A write still in progress at exit: the lines behind it are lost with the process.
      }
    }
  });
  return {
    write(record: string) {
      const line = format(JSON.parse(record) as LogRecord);
      for (const sink of sinks) if (!broken.has(sink)) sink.write(line);
    },
    writeLines(lines) {
      for (const sink of sinks) if (!broken.has(sink)) sink.write(lines);
    },
    flush(callback) {
      const live = working();
      let waiting = live.length;
      if (waiting === 0) return callback();
      const done = () => --waiting === 0 && callback();
      for (const sink of live) {
        try {
          sink.flush(done);
        } catch {
          // Broken meanwhile: its error is reported by its listener.
          done();
        }
      }
    },
  };
}
