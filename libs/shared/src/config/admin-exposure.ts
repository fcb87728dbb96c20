import type { CdnConfig } from './options';

/** Whether an address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The warning for an admin API that anyone who can reach it may call: no token, on an address other
 * machines can reach. `where` is the admin API's address, `privately` the flags that would keep it local.
 */
export function openAdminApiWarning(config: Pick<CdnConfig, 'adminTokens' | 'adminTokenFile'>, where: { host: string; port: number }, privately: string): string | undefined {
  if (config.adminTokens.length > 0 || config.adminTokenFile !== undefined || isLoopback(where.host)) return undefined;
  return (
    `The admin API on ${where.host}:${where.port} has no token: anyone who can reach it can register nodes, purge the cache and take over traffic. ` +
    `Set --admin-token (or CDN_ADMIN_TOKEN, or --admin-token-file), or keep it private with ${privately}.`
  );
}
