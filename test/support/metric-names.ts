/** What a /metrics page exposes, and what PromQL expressions use: to hold dashboards and rules to real names. */

/** Labels every scrape adds (Prometheus, or the Prometheus Operator's PodMonitors): no program exposes them. */
export const TARGET_LABELS = new Set(['job', 'instance', 'pod', 'namespace', 'container', 'endpoint', 'service']);

/** The series names a family gives: a histogram's _bucket, _sum and _count; a summary's _sum and _count. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Every series name the exposition declares, with or without samples (from its `# TYPE` lines). */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) for (const n of seriesNames(name, type)) names.add(n);
  return names;
}

/** The label names each series name has in the exposition's samples (series without samples are absent). */
export function exposedLabels(exposition: string): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const [, name, inside] of exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? /gm)) {
    const set = labels.get(name) ?? new Set<string>();
    for (const [, label] of (inside ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) set.add(label);
    labels.set(name, set);
  }
  return labels;
}

/** The metric names an expression reads: ours (cdn_*) and the process metrics (process_*, nodejs_*). */
export function metricNamesIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b((?:cdn|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]))];
}

/** The recording rules (`cdn:...`) an expression reads. */
export function recordedNamesIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b(cdn:[a-z0-9_:]+)/g)].map((m) => m[1]))];
}

/**
 * The labels an expression expects each metric to have: those its selectors match on
 * (`cdn_x{a="1"}`) and those an aggregation directly around it keeps (`sum by (a) (rate(cdn_x[5m]))`).
 */
export function labelUses(expr: string): { metric: string; label: string }[] {
  const uses: { metric: string; label: string }[] = [];
  for (const [, metric, inside] of expr.matchAll(/\b(cdn_[a-z0-9_]+)\{([^}]*)\}/g)) {
    for (const [, label] of inside.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) uses.push({ metric, label });
  }
  for (const [, by, metric] of expr.matchAll(/\bby \(([^)]*)\) \((?:(?:rate|increase)\()?(cdn_[a-z0-9_]+)/g)) {
    for (const label of by.split(',').map((l) => l.trim()).filter(Boolean)) uses.push({ metric, label });
  }
  return uses;
}
