import type { Logger } from '@cdn/shared';

/**
 * Whether the nodes file can be written now, told in episodes: the first failed save of an episode is
 * logged at ERROR (not every retry: a read-only disk would otherwise fill the log), the first save
 * that succeeds again ends it at INFO.
 */
export class SaveEpisodes {
  private failingSince: number | undefined;
  private lastError = '';

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly retryMs: number,
  ) {}

  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  /** What /readyz says while saves fail. */
  problem(): string | undefined {
    if (this.failingSince === undefined) return undefined;
    return `Cannot save the node state to ${this.file} since ${new Date(this.failingSince).toISOString()} (${this.lastError}); node changes are refused with 503 state_not_writable until a save succeeds (retried every ${this.retryMs / 1000} s).`;
  }

  failed(err: unknown): void {
    this.lastError = describe(err);
    if (this.failingSince !== undefined) return;
    this.failingSince = this.clock();
    this.logger.error(
      { err },
      `Cannot save the node state to ${this.file}: ${this.lastError}. Registrations, deregistrations and drains are refused (503 state_not_writable) until a save succeeds; retrying every ${this.retryMs / 1000} s`,
    );
  }

  succeeded(): void {
    if (this.failingSince === undefined) return;
    const seconds = Math.round((this.clock() - this.failingSince) / 1000);
    this.failingSince = undefined;
    this.logger.info(`Node state saved to ${this.file} again after ${seconds} s of failures; node changes are accepted again`);
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}
