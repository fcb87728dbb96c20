import { CONTROL_CHARACTERS } from '../node-url';

const CONTROLS = new RegExp(CONTROL_CHARACTERS.source, 'g');

/**
 * Text from outside (a header, a path, a key of a hand-edited file) made fit for one log line: control
 * characters and line separators become `?`, and it is cut at `max` characters, so it cannot forge a line.
 */
export function printable(text: string, max = 200): string {
  const safe = text.replace(CONTROLS, '?');
  return safe.length > max ? `${safe.slice(0, max)}...` : safe;
}
