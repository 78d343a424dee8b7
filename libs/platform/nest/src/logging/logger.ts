import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';

/** Structured JSON logs (pino) behind Nest's LoggerService, so framework and app logs agree. */
export class PinoLogger implements LoggerService {
  readonly pino: Pino;

  /**
   * `destination`: default stdout, written asynchronously (pino's SonicBoom with `sync: false`): a
   * line is handed to the kernel at once unless a write is already in flight, in which case the
   * lines queued meanwhile go out together — under load one write call per batch instead of one
   * per request line, and the event loop never blocks on a slow log pipe. Pino flushes what is
   * queued when the process exits (not on SIGKILL).
   */
  constructor(service: string, level = process.env['LOG_LEVEL'] ?? 'info', destination?: pino.DestinationStream) {
    this.pino = pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? pino.destination({ dest: 1, sync: false }));
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context, ...(params.length ? { detail: params } : {}) }, String(message));
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
