import fs from 'node:fs';
import path from 'node:path';
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
  /** Runs an instant query through the HTTP API (/api/v1/query); rejects on a query error. */
  query(promql: string): Promise<PromSample[]>;
};

/**
 * A real Prometheus (Debian's /usr/bin/prometheus) on a free port (never 9090), its TSDB in a temp dir, scraping
 * `jobs` every second.
 */
export async function startPrometheus(jobs: ScrapeJob[]): Promise<RunningPrometheus> {
  const dir = tempDir('prometheus-');
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...jobs.flatMap(({ job, targets }) => [`  - job_name: ${JSON.stringify(job)}`, '    static_configs:', `      - targets: ${JSON.stringify(targets)}`]),
    '',
  ].join('\n');
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, config);
  const proc = start(
    'prometheus',
    [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { cwd: dir, name: 'prometheus' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForPort(port, 30_000);
  for (let ready = false; !ready; ) {
    ready = (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  async function query(promql: string): Promise<PromSample[]> {
    const answer = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await answer.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${promql}: ${body.error}`);
    if (body.data!.resultType !== 'vector') throw new Error(`${promql} is a ${body.data!.resultType}, not an instant vector`);
    return body.data!.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
  }
  return Object.assign(proc, { url, query });
}
