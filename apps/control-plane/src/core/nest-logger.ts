import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@cdn/shared';

/**
 * Routes Nest's own logging into our pino logger. Nest's `log` level is bootstrap chatter
 * ("Mapped {/nodes, GET} route"), which operators do not want in cdn_system.log at INFO.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug(this.text(message, context));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug(this.text(message, context));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.debug(this.text(message, context));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(this.text(message, context));
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message instanceof Error) this.logger.error({ err: message }, this.text(message.message, context));
    else this.logger.error(this.text(message, context));
  }
  fatal(message: unknown, context?: string): void {
    this.logger.fatal(this.text(message, context));
  }

  private text(message: unknown, context?: string): string {
    const body = typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message);
    return context ? `[${context}] ${body}` : body;
  }
}
