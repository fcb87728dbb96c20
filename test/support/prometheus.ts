/**
 * A real Prometheus (Debian's `prometheus` package) on a free port, scraping every second and evaluating the rule
 * files given. Both the metrics and the monitoring tests use it.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, waitForPort } from './ports';
import { Running, start, tempDir } from './processes';

export interface ScrapeJob {
  job: string;
  /** host:port of each target; /metrics is scraped. */
  targets: string[];
}

/** One sample of an instant vector: its labels and value. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export type RunningPrometheus = Running & {
  url: string;
  /** Runs an instant query through the HTTP API (/api/v1/query); rejects with Prometheus's error. */
  query(promql: string): Promise<PromSample[]>;
};

export async function startPrometheus(jobs: ScrapeJob[], options: { ruleFiles?: string[] } = {}): Promise<RunningPrometheus> {
  const dir = tempDir('prometheus-');
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: options.ruleFiles ?? [],
    scrape_configs: jobs.map(({ job, targets }) => ({ job_name: job, static_configs: [{ targets }] })),
  };
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, stringify(config));
  const port = await freePort();
  const args = [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'];
  const proc = start('prometheus', args, { cwd: dir, name: 'prometheus' });
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([
    waitForPort(port, 30_000),
    once(proc.child, 'error').then(([err]) => {
      throw new Error(`prometheus could not run (install Debian's prometheus package): ${err.message}`);
    }),
    proc.exited.then((code) => {
      throw new Error(`prometheus exited with ${code} before listening:\n${proc.output}`);
    }),
  ]);
  for (let ready = false; !ready; ) {
    ready = (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  async function query(promql: string): Promise<PromSample[]> {
    const body = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${promql}: ${body.error}`);
    return body.data!.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
  }
  return Object.assign(proc, { url, query });
}
