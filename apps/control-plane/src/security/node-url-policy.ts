import { promises as dns } from 'node:dns';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CdnConfig } from '@cdn/shared';
import { CDN_CONFIG } from '../core/core.constants';
import { addressOf, createNodeUrlAllowList, NodeUrlAllowList } from './node-url-allow-list';

/** Resolves a host name to every address it has now. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** DI token of a HostResolver; the system resolver when none is given. */
export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

/** A registration waits at most this long for DNS. */
export const RESOLVE_TIMEOUT_MS = 5_000;

const systemResolver: HostResolver = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Where node URLs may point (--node-url-allow). Registration is the only way into the node table that
 * probes and edges send requests from, so a URL pointing at an internal service (SSRF) is stopped here.
 *
 * A host name is allowed when it matches a host pattern, or when every address it resolves to now is in
 * an allowed block. That is a check at registration time: probes and edges resolve the name again on
 * every connection, so a name whose DNS answers change later (DNS rebinding) can reach other addresses
 * afterwards. Only allow names by pattern for zones you control, or register nodes by address.
 */
@Injectable()
export class NodeUrlPolicy {
  private readonly allowList: NodeUrlAllowList;

  constructor(
    @Inject(CDN_CONFIG) config: CdnConfig,
    @Optional() @Inject(HOST_RESOLVER) private readonly resolve: HostResolver = systemResolver,
  ) {
    this.allowList = createNodeUrlAllowList(config.nodeUrlAllow);
  }

  /** Why the URL's host is not allowed (the `url` field's problem), or undefined when it is. */
  async problemWith(url: string): Promise<string | undefined> {
    if (this.allowList.open) return undefined;
    const { hostname } = new URL(url);
    const address = addressOf(hostname);
    if (address !== undefined) return this.allowList.allowsAddress(address) ? undefined : `host ${hostname} is outside --node-url-allow`;
    if (this.allowList.allowsName(hostname)) return undefined;
    if (!this.allowList.hasAddresses) return `host ${hostname} matches no --node-url-allow host pattern`;
    let addresses: string[];
    try {
      addresses = await withTimeout(this.resolve(hostname), RESOLVE_TIMEOUT_MS);
    } catch (err) {
      return `host ${hostname} could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); --node-url-allow checks every address of a name`;
    }
    const outside = addresses.filter((a) => !this.allowList.allowsAddress(a));
    if (addresses.length === 0) return `host ${hostname} has no address`;
    if (outside.length > 0) return `host ${hostname} resolves to ${outside.join(', ')}, outside --node-url-allow (every address of a name must be inside an allowed block)`;
    return undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms / 1000} s`), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
