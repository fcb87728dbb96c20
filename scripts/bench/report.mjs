/** Medians of the rounds, the tables printed per scenario, and the JSON written under bench/results/. */
import fs from 'node:fs';
import path from 'node:path';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Per scenario, per target: median req/s, p50, p99 over the rounds, the errors seen, and the ratio to nginx. */
export function summarize(scenarios, targets, runs) {
  return scenarios.map((scenario) => {
    const rows = targets.map((target) => {
      const mine = runs.filter((r) => r.scenario === scenario.id && r.target === target.name);
      return {
        target: target.name,
        label: target.label,
        rps: median(mine.map((r) => r.rps)),
        p50Ms: median(mine.map((r) => r.p50Ms)),
        p99Ms: median(mine.map((r) => r.p99Ms)),
        errors: mine.reduce((sum, r) => sum + r.non2xx + r.socketErrors, 0),
      };
    });
    const nginx = rows.find((row) => row.target === 'nginx');
    for (const row of rows) row.ratioToNginx = nginx && nginx.rps > 0 ? row.rps / nginx.rps : null;
    return { scenario: scenario.id, title: scenario.title, connections: scenario.connections, rows };
  });
}

const rps = (n) => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : n >= 1000 ? `${(n / 1000).toFixed(2)}k` : n.toFixed(0));
const ms = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The tables as text: one per scenario, then the miss storm. */
export function formatTables(summary, storms, { rounds, duration }) {
  const lines = [];
  for (const { title, connections, rows } of summary) {
    lines.push('', `${title} (wrk -c${connections}, ${rounds} × ${duration} s, medians)`);
    lines.push(`  ${'target'.padEnd(20)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'× nginx'.padStart(8)}`);
    for (const row of rows) {
      const ratio = row.ratioToNginx === null ? '-' : row.ratioToNginx.toFixed(2);
      const errors = row.errors > 0 ? `  (${row.errors} errors)` : '';
      lines.push(`  ${row.label.padEnd(20)} ${rps(row.rps).padStart(9)} ${ms(row.p50Ms).padStart(8)} ${ms(row.p99Ms).padStart(8)} ${ratio.padStart(8)}${errors}`);
    }
  }
  if (storms.length > 0) {
    lines.push('', `miss storm (${storms[0].clients} concurrent clients, one uncached URL; the origin answers after 1 s)`);
    lines.push(`  ${'target'.padEnd(20)} ${'origin saw'.padStart(10)} ${'200s'.padStart(6)} ${'ms'.padStart(7)}`);
    for (const s of storms) lines.push(`  ${s.label.padEnd(20)} ${String(s.originRequests).padStart(10)} ${String(s.ok).padStart(6)} ${String(s.ms).padStart(7)}`);
  }
  return lines.join('\n');
}

/** Writes bench/results/bench-<timestamp>.json; returns its path. */
export function saveResults(dir, result) {
  const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
