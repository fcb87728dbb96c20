import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';

/**
 * Request headers that tell a node who the client is and how it connected. None is in the cache key, so
 * a node that varies its answer on one (absolute links from X-Forwarded-Host, redirects on
 * X-Forwarded-Proto) would let one client poison the cached page for everyone: the edge sets them itself.
 */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip'] as const;

/** The scheme of the edge's own listener. */
const EDGE_PROTO = 'http';

/** Sets the forwarding headers of requests to nodes, by whether the peer is a trusted proxy (--trusted-proxy). */
export interface Forwarding {
  /**
   * Rewrites `headers` in place for a request from `peer` (the socket's remote address; undefined when the
   * edge asks on its own behalf). Call once per client request, not per attempt: X-Forwarded-For grows.
   * Returns true when it dropped forwarding headers an untrusted client sent.
   */
  rewrite(headers: IncomingHttpHeaders, peer: string | undefined, localPort: number | undefined): boolean;
  /**
   * The client's address for the access line: the peer itself, or, from a trusted proxy, the last address of
   * X-Forwarded-For that is not a trusted proxy (what rewrite() appended is skipped as one).
   */
  clientOf(headers: IncomingHttpHeaders, peer: string | undefined): string | undefined;
  /** Whether any proxy is trusted (for the start-up line). */
  readonly trustsProxies: boolean;
}

/** Trusted proxies are CIDR blocks or addresses, as --trusted-proxy takes them. */
export function createForwarding(trustedProxies: readonly string[]): Forwarding {
  const trusted = trustedPeers(trustedProxies);
  return {
    trustsProxies: trustedProxies.length > 0,
    rewrite(headers, peer, localPort) {
      const address = peer === undefined ? undefined : unmapped(peer);
      if (address !== undefined && trusted(address)) {
        // A load balancer in front: what it says about the client stands, and it is the last hop.
        const prior = headers['x-forwarded-for'];
        headers['x-forwarded-for'] = prior ? `${prior}, ${address}` : address;
        if (headers['x-forwarded-proto'] === undefined) headers['x-forwarded-proto'] = EDGE_PROTO;
        return false;
      }
      let dropped = false;
      for (const name of FORWARDING_HEADERS) {
        if (headers[name] === undefined) continue;
        delete headers[name];
        dropped = true;
      }
      // Only what the edge knows for certain. No X-Forwarded-Host: the only source would be the client's
      // Host header, which is neither checked nor in the key.
      if (address !== undefined) headers['x-forwarded-for'] = address;
      headers['x-forwarded-proto'] = EDGE_PROTO;
      if (localPort !== undefined) headers['x-forwarded-port'] = String(localPort);
      return dropped;
    },
    clientOf(headers, peer) {
      const address = peer === undefined ? undefined : unmapped(peer);
      if (address === undefined || !trusted(address)) return address;
      const forwardedFor = headers['x-forwarded-for'];
      if (typeof forwardedFor !== 'string') return address;
      const hops = forwardedFor.split(',');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = unmapped(hops[i].trim());
        // Anything that is no address (a forged "unknown", a name) ends the walk: nothing behind it can be trusted.
        if (net.isIP(hop) === 0) return i === hops.length - 1 ? address : unmapped(hops[i + 1].trim());
        if (!trusted(hop) || i === 0) return hop;
      }
      return address;
    },
  };
}

function trustedPeers(cidrs: readonly string[]): (address: string) => boolean {
  if (cidrs.length === 0) return () => false;
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const type = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  // BlockList matches an IPv4-mapped IPv6 address against IPv4 rules as well.
  return (address) => list.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/** A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; nodes get the plain IPv4 address. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}
