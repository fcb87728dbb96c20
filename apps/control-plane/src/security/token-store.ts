import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { CdnConfig, Logger } from '@cdn/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { CDN_CONFIG, LOGGER, METRICS_REGISTRY } from '../core/core.constants';
import { sha256, TokenSet } from './token-hash';
import { TokenFileWatcher, watchTokenFile } from './token-file-watcher';

/** What a token may do on the admin API: everything, or only read (GET and HEAD). */
export type Role = 'admin' | 'viewer';

/** Whether the admin API asks for tokens: as soon as any token option is given; otherwise it stays open, as the seed's. */
export function authConfigured(config: Pick<CdnConfig, 'adminTokens' | 'adminTokenFile' | 'viewerTokens' | 'viewerTokenFile'>): boolean {
  return config.adminTokens.length > 0 || config.viewerTokens.length > 0 || config.adminTokenFile !== undefined || config.viewerTokenFile !== undefined;
}

/**
 * The admin and viewer tokens: those given by flag or variable, and those of the token files, which are
 * re-read when they change so that a rotation needs no restart. Only hashes are kept.
 */
@Injectable()
export class TokenStore implements OnModuleDestroy {
  readonly enabled: boolean;
  private readonly fixed: Record<Role, TokenSet>;
  private readonly fromFile: Record<Role, TokenSet> = { admin: new TokenSet(), viewer: new TokenSet() };
  private readonly watchers: TokenFileWatcher[] = [];

  constructor(@Inject(CDN_CONFIG) config: CdnConfig, @Inject(LOGGER) logger: Logger, @Inject(METRICS_REGISTRY) metrics: Registry) {
    this.enabled = authConfigured(config);
    this.fixed = { admin: new TokenSet(config.adminTokens), viewer: new TokenSet(config.viewerTokens) };
    const reloads = new Counter({ name: 'cdn_cp_token_file_reloads_total', help: 'Token files re-read after a change, or that could not be re-read', labelNames: ['role', 'result'], registers: [metrics] });
    const files: [Role, string | undefined, string][] = [
      ['admin', config.adminTokenFile, '--admin-token-file'],
      ['viewer', config.viewerTokenFile, '--viewer-token-file'],
    ];
    for (const [role, file, flag] of files) {
      if (file === undefined) continue;
      this.watchers.push(
        watchTokenFile({
          file,
          flag,
          logger,
          onTokens: (tokens) => (this.fromFile[role] = new TokenSet(tokens)),
          onReload: (result) => reloads.inc({ role, result }),
        }),
      );
    }
    if (this.enabled) {
      logger.info(`The admin API requires a bearer token: ${this.fixed.admin.size + this.fromFile.admin.size} admin and ${this.fixed.viewer.size + this.fromFile.viewer.size} viewer token(s)`);
      if (config.adminTokens.length === 0 && config.adminTokenFile === undefined) logger.warn('Only viewer tokens are configured: nobody can change anything; give --admin-token or --admin-token-file');
    }
    const store = this;
    new Gauge({
      name: 'cdn_cp_admin_tokens',
      help: 'Tokens that grant each role now (flags, variables and token files)',
      labelNames: ['role'],
      registers: [metrics],
      collect() {
        for (const role of ['admin', 'viewer'] as const) this.set({ role }, store.fixed[role].size + store.fromFile[role].size);
      },
    });
  }

  /** The role a presented token grants, if any. Admin wins when a token is in both lists. */
  roleOf(token: string): Role | undefined {
    const hash = sha256(token);
    // Every set is asked, whatever the earlier answers, so that the time taken is the same for all tokens.
    const admin = [this.fixed.admin.has(hash), this.fromFile.admin.has(hash)].includes(true);
    const viewer = [this.fixed.viewer.has(hash), this.fromFile.viewer.has(hash)].includes(true);
    return admin ? 'admin' : viewer ? 'viewer' : undefined;
  }

  onModuleDestroy(): void {
    for (const watcher of this.watchers) watcher.stop();
  }
}
