/** Turns a pino record into one log line: `<ISO time> <LEVEL> <component>: <message>`, or a JSON line. */

const LEVEL_LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'CRITICAL' };

export interface LogRecord {
  level: number;
  time: number;
  name?: string;
  msg?: string;
  err?: { message?: string; code?: string };
  [field: string]: unknown;
}

export function levelLabel(level: number): string {
  return LEVEL_LABELS[level] ?? String(level);
}

/**
 * Text lines keep the message last, so the manual's `awk '{print $NF}'` reads the number a message ends with.
 * An error's message is added only to lines that carry one.
 */
export function formatTextLine(record: LogRecord): string {
  const time = new Date(record.time).toISOString();
  const label = levelLabel(record.level).padEnd(7);
  const error = record.err?.message ? ` (${record.err.code ? `${record.err.code}: ` : ''}${record.err.message})` : '';
  return `${time} ${label} ${record.name ?? 'cdn'}: ${record.msg ?? ''}${error}\n`;
}

export function formatJsonLine(record: LogRecord): string {
  return `${JSON.stringify({ ...record, level: levelLabel(record.level), time: new Date(record.time).toISOString() })}\n`;
}

let isoMs = 0;
let isoText = '';

/** The time as an ISO string, made once per millisecond: a busy edge writes many lines within one. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

/** The same line formatTextLine makes of a pino INFO record. */
function textRequestLine(name: string, message: string): string {
  return `${isoNow()} INFO    ${name}: ${message}\n`;
}

/** The same line formatJsonLine makes of a pino INFO record. */
function jsonRequestLine(name: string, message: string): string {
  return `${JSON.stringify({ level: 'INFO', time: isoNow(), name, msg: message })}\n`;
}

/** How a pino record (the JSON line pino writes) becomes its line in `format`. */
export function recordLineFormat(format: 'text' | 'json'): (record: string) => string {
  const formatLine = format === 'json' ? formatJsonLine : formatTextLine;
  return (record) => formatLine(JSON.parse(record) as LogRecord);
}

/** How a per-request line (INFO, no pino record) is written in `format`. */
export function requestLineFormat(format: 'text' | 'json'): (name: string, message: string) => string {
  return format === 'json' ? jsonRequestLine : textRequestLine;
}
