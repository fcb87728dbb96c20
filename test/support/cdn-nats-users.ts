/** A nats-server whose users are those of deploy/nats/cdn-users.conf (the README's permissions example), included as it is. */
import path from 'node:path';
import { startConfiguredNats, type ConfiguredNats } from './configured-nats';
import { ROOT, type Running } from './processes';

export const CDN_USERS_FILE = path.join(ROOT, 'deploy/nats/cdn-users.conf');

/** The passwords the example reads from the server's environment. */
export const CDN_USER_PASSWORDS = { controlPlane: 'control-plane-password-for-tests', edge: 'edge-password-for-tests' } as const;

/** `config` goes before the include: a tls block, for instance. */
export function startNatsWithCdnUsers(config = ''): Promise<ConfiguredNats> {
  return startConfiguredNats({
    config: `${config}\ninclude ${path.basename(CDN_USERS_FILE)}`,
    files: [CDN_USERS_FILE],
    env: { CDN_CP_NATS_PASSWORD: CDN_USER_PASSWORDS.controlPlane, CDN_EDGE_NATS_PASSWORD: CDN_USER_PASSWORDS.edge },
  });
}

/** The server's permission violations, of one user or of all. */
export function permissionViolations(nats: Running, user?: string): string[] {
  return nats.output.split('\n').filter((line) => /Violation/.test(line) && (!user || line.includes(`User "${user}"`)));
}
