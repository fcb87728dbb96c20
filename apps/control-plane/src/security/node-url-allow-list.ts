import net from 'node:net';

/**
 * The hosts node URLs may point to (--node-url-allow): CIDR blocks and addresses of either family, and
 * host name patterns, exact (`cdn1.example.com`) or for every subdomain (`*.example.com`, which does
 * not match `example.com` itself). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) count as their IPv4
 * address, both ways, so that the same destination gets the same answer however it is written.
 */
export interface NodeUrlAllowList {
  /** True when no entry was given: every host is allowed (the seed's behaviour). */
  readonly open: boolean;
  /** Whether any CIDR block or address was given: only then is a host name resolved. */
  readonly hasAddresses: boolean;
  /** Whether the name matches a host pattern. */
  allowsName(hostname: string): boolean;
  /** Whether the address (IPv4 or IPv6, without brackets) is inside an allowed block. */
  allowsAddress(address: string): boolean;
}

/** Entries as --node-url-allow parsed them: lower case, CIDR or address, or host pattern. */
export function createNodeUrlAllowList(entries: readonly string[]): NodeUrlAllowList {
  const blocks = new net.BlockList();
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let addresses = 0;
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = net.isIP(address);
    if (family !== 0) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      blocks.addSubnet(address, bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), type);
      addresses += 1;
    } else if (entry.startsWith('*.')) {
      suffixes.push(entry.slice(1));
    } else {
      exact.add(entry);
    }
  }
  return {
    open: entries.length === 0,
    hasAddresses: addresses > 0,
    allowsName(hostname) {
      // "cdn1.example.com." is the same name as "cdn1.example.com".
      const name = hostname.toLowerCase().replace(/\.$/, '');
      return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
    },
    allowsAddress(address) {
      const family = net.isIP(address);
      if (family === 0) return false;
      return blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** The host of a URL as an address when it is one (IPv6 without brackets), or undefined for a name. */
export function addressOf(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return net.isIP(bare) !== 0 ? bare : undefined;
}
