// Numbers as an operator reads them: short, with units, never "NaN".

export function count(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1e6) return `${trim(n / 1e6)}M`;
  if (Math.abs(n) >= 1e4) return `${trim(n / 1e3)}k`;
  return Number.isInteger(n) ? String(n) : trim(n);
}

export function rate(perSecond) {
  return perSecond === null || perSecond === undefined ? '–' : `${count(perSecond)}/s`;
}

export function percent(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(ratio >= 0.9995 || ratio === 0 ? 0 : 1)}%`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  let unit = 0;
  while (Math.abs(n) >= 1000 && unit < BYTE_UNITS.length - 1) {
    n /= 1000;
    unit++;
  }
  return `${unit === 0 && (n >= 10 || Number.isInteger(n)) ? Math.round(n) : trim(n)} ${BYTE_UNITS[unit]}`;
}

export function millis(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${trim(ms / 1000)} s` : `${ms < 10 ? trim(ms) : Math.round(ms)} ms`;
}

/** "4 s", "3 min", "2 h": how long ago, from seconds. */
export function age(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function clock(date) {
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function trim(n) {
  return n.toFixed(Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2).replace(/\.?0+$/, '');
}
