import { get } from './http';

/** The value of one series (`name{labels}` exactly as exposed) of a program's /metrics, 0 when absent. */
export async function metric(app: { url: string }, series: string): Promise<number> {
  const line = (await get(`${app.url}/metrics`)).text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}
