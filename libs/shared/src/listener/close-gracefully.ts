import type http from 'node:http';

/** In-flight downloads get this long to finish on shutdown before their connections are cut. */
export const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Stops taking connections and closes idle ones at once; resolves when the requests in flight have finished,
 * or once they have had `graceMs` and their connections are cut.
 */
export async function closeGracefully(server: http.Server, graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const grace = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(grace);
}
