/** A real nats-server started from a configuration file: users, permissions, TLS, operator mode. */
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './ports';
import { Running, start, tempDir } from './processes';

export type ConfiguredNats = Running & {
  port: number;
  /** nats://127.0.0.1:<port> (the client upgrades to TLS when the server asks for it). */
  url: string;
  dir: string;
  /** Writes a new configuration and has the server reload it (SIGHUP), as an operator fixing users would. */
  reload(config: string): Promise<void>;
};

/**
 * Starts nats-server with JetStream on a free port, its store and configuration in a temp dir. `config` is
 * appended to the listen and JetStream lines; `files` are copied beside the configuration file, so that an
 * `include` of their base name works; `env` is the server's environment, where `$NAME` in the config is looked up.
 */
export async function startConfiguredNats(options: { config: string; files?: string[]; env?: NodeJS.ProcessEnv }): Promise<ConfiguredNats> {
  const port = await freePort();
  const dir = tempDir('nats-conf-');
  for (const file of options.files ?? []) fs.copyFileSync(file, path.join(dir, path.basename(file)));
  const configFile = path.join(dir, 'nats-server.conf');
  const write = (config: string) =>
    fs.writeFileSync(configFile, `listen: 127.0.0.1:${port}\njetstream { store_dir: "${path.join(dir, 'jetstream')}" }\n${config}\n`);
  write(options.config);
  const proc = start('nats-server', ['-c', configFile], { name: 'nats-server', env: options.env });
  await Promise.race([
    waitForPort(port),
    proc.exited.then((code) => {
      throw new Error(`nats-server exited with ${code}:\n${proc.output}`);
    }),
  ]);
  return Object.assign(proc, {
    port,
    url: `nats://127.0.0.1:${port}`,
    dir,
    async reload(config: string) {
      write(config);
      const before = proc.output.length;
      proc.child.kill('SIGHUP');
      const deadline = Date.now() + 5_000;
      while (!/Reloaded server configuration/.test(proc.output.slice(before))) {
        if (Date.now() > deadline) throw new Error(`nats-server did not reload:\n${proc.output.slice(before)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  });
}
