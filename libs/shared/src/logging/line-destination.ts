import type { DestinationStream } from 'pino';
import SonicBoom from 'sonic-boom';
import { type JsonMembers, recordLineFormat, requestLineFormat } from './log-line';

/** Where lines go: a file path or a file descriptor (1 for stdout), and whether it takes the per-request lines. */
export interface LineTarget {
  dest: number | string;
  requests: boolean;
}

/** A pino destination with what the programs' shutdown and the request log need. */
export interface LineDestination extends DestinationStream {
  /** How lines are written: a per-request line's fields are made only for the JSON format. */
  readonly format: 'text' | 'json';
  /**
   * One per-request line (access line, "Forwarding ..."), at INFO, written without going through pino; `fields`
   * (JSON members) are added to the JSON form only.
   */
  writeRequestLine(name: string, message: string, fields?: JsonMembers): void;
  flush(callback: (err?: Error) => void): void;
  /**
   * Writes whole lines already formatted (per-request ones when `requests`): a --workers primary writes its workers'
   * lines, so each target has one writer.
   */
  writeLines(lines: string, requests: boolean): void;
}

/** Marks a pino destination as a LineDestination (pino keeps its stream under a symbol the request log reads). */
export function isLineDestination(stream: unknown): stream is LineDestination {
  return typeof (stream as Partial<LineDestination> | undefined)?.writeRequestLine === 'function';
}

/**
 * Where a program's log lines go: each pino record turned into its line in the calling thread and written to
 * the log file and stdout without waiting. A write in progress gathers the lines that come meanwhile into
 * its next write, so a busy edge makes few large writes and a quiet one writes each line at once; nothing
 * ever waits on a disk or a terminal. (pino's worker-thread transport made the request path wait for room in
 * its shared buffer: a fifth of a cache hit's time in a profile.) Per-request lines skip pino's JSON round
 * trip and go only to the targets that take them, so a busy edge writes each of them once.
 */
export function lineDestination(options: { targets: readonly LineTarget[]; format: 'text' | 'json' }): LineDestination {
  const formatRecord = recordLineFormat(options.format);
  // minLength 1 writes as soon as a line is there, like 0, but makes flush() wait for the writes in progress.
  // A log that cannot be written (a full disk, a closed pipe) must not take the program down: it is said once on
  // stderr, and its lines are dropped from then on.
  const broken = new Set<SonicBoom>();
  const sinks = options.targets.map(({ dest, requests }) => {
    const sink = new SonicBoom({ dest, sync: false, mkdir: true, append: true, minLength: 1 });
    sink.on('error', (err: Error) => {
      if (broken.has(sink)) return;
      broken.add(sink);
      process.stderr.write(`cannot write the log to ${dest === 1 ? 'stdout' : dest}: ${err.message}; its lines are dropped\n`);
    });
    return { sink, requests };
  });
  const allSinks = sinks.map((s) => s.sink);
  const requestSinks = sinks.filter((s) => s.requests).map((s) => s.sink);
  const working = () => allSinks.filter((sink) => !broken.has(sink));
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
  const formatRequest = requestLineFormat(options.format);
  return {
    format: options.format,
    write(record: string) {
      const line = formatRecord(record);
      for (const sink of allSinks) if (!broken.has(sink)) sink.write(line);
    },
    writeRequestLine(name, message, fields) {
      const line = formatRequest(name, message, fields);
      for (const sink of requestSinks) if (!broken.has(sink)) sink.write(line);
    },
    writeLines(lines, requests) {
      for (const sink of requests ? requestSinks : allSinks) if (!broken.has(sink)) sink.write(lines);
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
