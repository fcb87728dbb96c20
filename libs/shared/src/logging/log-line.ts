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

/**
 * A per-request line's own fields as JSON members (`"method":"GET","status":200`), without braces: made by the
 * caller only when the format is JSON, and written after level, time, name and msg.
 */
export type JsonMembers = string;

/** Writes one per-request line at INFO: `fields` are used by the JSON format only. */
export type RequestLineFormat = (name: string, message: string, fields?: JsonMembers) => string;

/** The same line formatTextLine makes of a pino INFO record: fields are not part of the text format. */
function textRequestLine(name: string, message: string): string {
  return `${isoNow()} INFO    ${name}: ${message}\n`;
}

/**
 * The same line formatJsonLine makes of a pino INFO record, with the fields after the message. Built as text:
 * per-request lines are most of a busy edge's lines, and each string is escaped by JSON.stringify.
 */
function jsonRequestLine(name: string, message: string, fields?: JsonMembers): string {
  const head = `{"level":"INFO","time":"${isoNow()}","name":${JSON.stringify(name)},"msg":${JSON.stringify(message)}`;
  return fields === undefined ? `${head}}\n` : `${head},${fields}}\n`;
}

/** How a pino record (the JSON line pino writes) becomes its line in `format`. */
export function recordLineFormat(format: 'text' | 'json'): (record: string) => string {
  const formatLine = format === 'json' ? formatJsonLine : formatTextLine;
  return (record) => formatLine(JSON.parse(record) as LogRecord);
}

/** How a per-request line (INFO, no pino record) is written in `format`. */
export function requestLineFormat(format: 'text' | 'json'): RequestLineFormat {
  return format === 'json' ? jsonRequestLine : textRequestLine;
}
