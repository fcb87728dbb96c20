/** A real Prometheus (Debian's `prometheus` package) on a free port, scraping every second and evaluating rule files. */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { get } from './http';
import { freePort, waitForPort } from './ports';
import { Running, start, tempDir } from './processes';

export interface PrometheusServer extends Running {
  url: string;
  /** The result of an instant query; throws with Prometheus's error when the query fails. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

/** `jobs`: scrape job name → targets (`host:port`). `ruleFiles`: absolute paths. */
export async function startPrometheus(jobs: Record<string, string[]>, ruleFiles: string[] = []): Promise<PrometheusServer> {
  const dir = tempDir('prometheus-');
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: Object.entries(jobs).map(([job_name, targets]) => ({ job_name, static_configs: [{ targets }] })),
  };
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const args = [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`];
  const proc = start('prometheus', args, { name: 'prometheus' });
  await Promise.race([
    waitForPort(port),
    once(proc.child, 'error').then(([err]) => {
      throw new Error(`prometheus could not run (install Debian's prometheus package): ${err.message}`);
    }),
    proc.exited.then((code) => {
      throw new Error(`prometheus exited with ${code} before listening:\n${proc.output}`);
    }),
  ]);
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(proc, {
    url,
    async query(expr: string) {
      const { body } = await get(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      if (body.status !== 'success') throw new Error(`${expr}: ${body.errorType} ${body.error}`);
      return body.data.result;
    },
  });
}
