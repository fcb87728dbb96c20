/**
 * deploy/monitoring: the Prometheus rules pass `promtool check rules` and their unit tests, which make every alert
 * fire once and stay quiet once; the Grafana dashboard is well formed and its queries are PromQL; and every
 * metric and label they use is one the programs expose (the /metrics of a running all-in-one server, and of a
 * split control plane and edge with NATS and Redis, after some traffic and a purge). A real Prometheus scraping
 * those programs then evaluates every rule and every dashboard query without an error, and raises no alert.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { get, post } from '../support/http';
import { exposedLabels, exposedNames, labelUses, metricNamesIn, recordedNamesIn, TARGET_LABELS } from '../support/metric-names';
import { Origin, startOrigin } from '../support/origin';
import { eventually } from '../support/ports';
import { ROOT, startApp, startNats, startRedis, stopAll, tempDir } from '../support/processes';
import { RunningPrometheus, startPrometheus } from '../support/prometheus';

const MONITORING = path.join(ROOT, 'deploy/monitoring');
const RULES = path.join(MONITORING, 'prometheus/cdn-alerts.yml');
const RULE_TESTS = path.join(MONITORING, 'prometheus/cdn-alerts.test.yml');
const DASHBOARD = path.join(MONITORING, 'grafana/cdn-dashboard.json');

/**
 * Names the programs define but that the running programs of this test cannot show, each with where it is
 * defined and why it is missing here. Keep it short: a name here is not checked against the code.
 */
const NOT_SHOWN_HERE: Record<string, string> = {};

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const rules: Rule[] = parse(fs.readFileSync(RULES, 'utf8')).groups.flatMap((g: { rules: Rule[] }) => g.rules);
const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
/** Every panel, those inside collapsed rows too. */
const panels: any[] = dashboard.panels.flatMap((p: any) => [p, ...(p.panels ?? [])]);
const queries: string[] = panels.flatMap((p) => (p.targets ?? []).map((t: any) => t.expr));

/** The rules as a running Prometheus evaluates them. */
async function rulesOf(prometheus: RunningPrometheus): Promise<{ name: string; health: string; lastError?: string; lastEvaluation: string }[]> {
  const { body } = await get(`${prometheus.url}/api/v1/rules`);
  return body.data.groups.flatMap((g: any) => g.rules);
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8', cwd: ROOT });
  if (result.error) throw new Error(`promtool could not run (install Debian's prometheus package): ${result.error.message}`);
  return { status: result.status, output: result.stdout + result.stderr };
}

/** The dashboard's query with Grafana's variables replaced by values Prometheus accepts. */
function asPromql(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$edge', '.*').replaceAll('$node', '.*');
}

describe('Prometheus rules (deploy/monitoring/prometheus)', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', RULES);
    expect(output).toContain('SUCCESS');
    expect(status, output).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS);
    expect(status, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('have a unit test where each alert fires and one where it stays quiet', () => {
    const tests = parse(fs.readFileSync(RULE_TESTS, 'utf8')).tests.flatMap((t: any) => t.alert_rule_test ?? []);
    const untested = rules
      .filter((r) => r.alert)
      .flatMap((r) => {
        const cases = tests.filter((t: any) => t.alertname === r.alert);
        return [
          ...(cases.some((t: any) => t.exp_alerts?.length > 0) ? [] : [`${r.alert} never fires`]),
          ...(cases.some((t: any) => (t.exp_alerts ?? []).length === 0) ? [] : [`${r.alert} is never quiet`]),
        ];
      });
    expect(untested).toEqual([]);
  });

  it('have a unit test of each recording rule', () => {
    const exprs = parse(fs.readFileSync(RULE_TESTS, 'utf8')).tests.flatMap((t: any) => (t.promql_expr_test ?? []).map((e: any) => e.expr as string));
    const untested = rules.filter((r) => r.record && !exprs.some((e: string) => recordedNamesIn(e).includes(r.record!))).map((r) => r.record);
    expect(untested).toEqual([]);
  });

  it('read only recording rules they define', () => {
    const recorded = new Set(rules.flatMap((r) => r.record ?? []));
    expect(rules.flatMap((r) => recordedNamesIn(r.expr)).filter((name) => !recorded.has(name))).toEqual([]);
  });
});

describe('Grafana dashboard (deploy/monitoring/grafana/cdn-dashboard.json)', () => {
  it('has a Prometheus datasource variable and the edge and node variables', () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((v: any) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.edge.definition).toMatch(/^label_values\(cdn_edge_\w+, instance\)$/);
    expect(variables.node.definition).toMatch(/^label_values\(cdn_cp_\w+, node\)$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  });

  it('has the rows overview, nodes, edges, cache, control plane and processes', () => {
    expect(panels.filter((p) => p.type === 'row').map((p) => p.title)).toEqual(['Overview', 'Nodes', 'Edges', 'Cache', 'Control plane', 'Processes']);
  });

  it('gives every panel a title, a place, unique id and at least one query on the datasource variable', () => {
    const problems = panels
      .filter((p) => p.type !== 'row')
      .flatMap((p) => {
        const found: string[] = [];
        if (!p.title) found.push(`panel ${p.id} has no title`);
        if (!(p.gridPos?.w > 0 && p.gridPos.x + p.gridPos.w <= 24)) found.push(`${p.title}: gridPos ${JSON.stringify(p.gridPos)}`);
        if (!(p.targets?.length > 0) || p.targets.some((t: any) => !t.expr?.trim())) found.push(`${p.title}: a query is missing`);
        if ((p.targets ?? []).some((t: any) => t.datasource?.uid !== '${datasource}')) found.push(`${p.title}: a query is not on \${datasource}`);
        return found;
      });
    expect(problems).toEqual([]);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has queries Prometheus parses', () => {
    const file = path.join(tempDir('cdn-dashboard-'), 'queries.yml');
    const asRules = queries.map((expr, i) => ({ record: `dashboard:query_${i}`, expr: asPromql(expr) }));
    fs.writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: asRules }] }));
    const { status, output } = promtool('check', 'rules', file);
    expect(status, output).toBe(0);
  });
});

describe('the rules and the dashboard over running programs', () => {
  let origin: Origin;
  let expositions: string[] = [];
  let prometheus: RunningPrometheus;

  /** Sends a miss, a hit and a purge through `edge`, then waits for the purge to complete. */
  async function traffic(controlPlane: string, edge: string): Promise<void> {
    await eventually(async () => (await get(`${edge}/cdn/monitored`)).status === 200, 10_000);
    expect((await get(`${edge}/cdn/monitored`)).headers.get('x-cache')).toBe('HIT');
    const { body } = await post(`${controlPlane}/cache/purge`, { urls: ['/cdn/monitored'] });
    await eventually(async () => (await get(`${controlPlane}/operations/${body.operation_id}`)).body.complete === true, 10_000);
  }

  beforeAll(async () => {
    origin = await startOrigin('origin');
    const node = { id: 'node1', url: origin.url, location: 'Beijing', capacity: 100 };

    const allInOne = await startApp('allInOne', ['--cache-time', '60', '--node-timeout', '60']);
    await post(`${allInOne.url}/register_node`, node);
    await traffic(allInOne.url, allInOne.url);

    const nats = await startNats();
    const redis = await startRedis();
    const controlPlane = await startApp('controlPlane', ['--nats-url', nats.url, '--health-interval', '1', '--node-timeout', '60']);
    const edge = await startApp('edge', ['--nats-url', nats.url, '--edge-id', 'edge-m', '--cache-time', '60', '--cache-redis-url', redis.url]);
    await eventually(async () => (await get(`${controlPlane.url}/edges`)).body.edges?.length === 1, 10_000);
    await post(`${controlPlane.url}/register_node`, node);
    await traffic(controlPlane.url, edge.url);
    // A probe round, so that the probe metrics have samples whose labels can be checked.
    await eventually(async () => /^cdn_cp_probes_total\{/m.test((await get(`${controlPlane.url}/metrics`)).text), 10_000);

    expositions = await Promise.all([allInOne, controlPlane, edge].map(async (app) => (await get(`${app.url}/metrics`)).text));

    const target = (app: { port: number }) => [`127.0.0.1:${app.port}`];
    const jobs = [
      { job: 'cdn-all-in-one', targets: target(allInOne) },
      { job: 'cdn-control-plane', targets: target(controlPlane) },
      { job: 'cdn-edge', targets: target(edge) },
    ];
    prometheus = await startPrometheus(jobs, { ruleFiles: [RULES] });
    // Three scrapes of every target, and rules evaluated over them.
    await eventually(async () => (await prometheus.query('count(count_over_time(up[1m]) >= 3)'))[0]?.value === 3, 20_000, 200);
    await eventually(async () => (await rulesOf(prometheus)).every((r) => Date.parse(r.lastEvaluation) > Date.now() - 1_500), 10_000, 200);
  }, 90_000);

  afterAll(async () => {
    await stopAll();
    await origin?.close();
  });

  function missing(exprs: string[]): string[] {
    const exposed = new Set(expositions.flatMap((text) => [...exposedNames(text)]));
    return [...new Set(exprs.flatMap(metricNamesIn))].filter((name) => !exposed.has(name) && !(name in NOT_SHOWN_HERE)).sort();
  }

  /** Labels an expression expects of a metric that has samples here but never that label. */
  function unknownLabels(exprs: string[]): string[] {
    const seen = new Map<string, Set<string>>();
    for (const text of expositions) for (const [name, labels] of exposedLabels(text)) seen.set(name, new Set([...(seen.get(name) ?? []), ...labels]));
    return [
      ...new Set(
        exprs
          .flatMap(labelUses)
          .filter(({ metric, label }) => seen.has(metric) && !seen.get(metric)!.has(label) && !TARGET_LABELS.has(label))
          .map(({ metric, label }) => `${metric}: ${label}`),
      ),
    ].sort();
  }

  it('the rules use only metrics the programs expose', () => {
    expect(missing(rules.map((r) => r.expr))).toEqual([]);
  });

  it('the rules\' unit tests feed only metrics the programs expose', () => {
    const series = parse(fs.readFileSync(RULE_TESTS, 'utf8')).tests.flatMap((t: any) => t.input_series.map((s: any) => s.series as string));
    expect(missing(series)).toEqual([]);
  });

  it('the dashboard uses only metrics the programs expose', () => {
    expect(missing(queries)).toEqual([]);
  });

  it('the rules and the dashboard use only labels the metrics have', () => {
    expect(unknownLabels([...rules.map((r) => r.expr), ...queries])).toEqual([]);
  });

  it('Prometheus evaluates every rule without an error', async () => {
    const evaluated = await rulesOf(prometheus);
    expect(evaluated.length).toBe(rules.length);
    expect(evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError}`)).toEqual([]);
  });

  it('Prometheus answers every dashboard query', async () => {
    const failures = (await Promise.all(queries.map((expr) => prometheus.query(asPromql(expr)).then(() => '', (err: Error) => err.message)))).filter(Boolean);
    expect(failures).toEqual([]);
  });

  it('a healthy deployment raises no alert, not even a pending one', async () => {
    const { body } = await get(`${prometheus.url}/api/v1/alerts`);
    expect(body.data.alerts.map((a: any) => `${a.labels.alertname} ${a.state}`)).toEqual([]);
  });

  it('the overview counts the node up and the edges live', async () => {
    const value = async (title: string) => {
      const panel = panels.find((p) => p.title === title && p.type === 'stat');
      return (await prometheus.query(asPromql(panel.targets[0].expr)))[0]?.value;
    };
    expect(await value('Nodes up')).toBe(1);
    expect(await value('Edges live')).toBe(1);
  });
});
