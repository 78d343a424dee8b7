import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { asUnavailable, FrontierError, type ErrorCategory } from '@frontier/platform-util';

/** The HTTP answer of each error category (the libraries know nothing of HTTP). */
export const STATUS_BY_CATEGORY: Record<ErrorCategory, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unsupported: HttpStatus.NOT_IMPLEMENTED,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  upstream: HttpStatus.BAD_GATEWAY,
  timeout: HttpStatus.GATEWAY_TIMEOUT,
};

const reason = (status: number) => HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase()) ?? 'Error';

/**
 * Turns the workspace's typed errors ({@link FrontierError}: category, code, field) into clear
 * 4xx/5xx answers naming the field (`{statusCode, error, code, message: [...], fields: {field: [...]}}`),
 * with `Retry-After` on 503. A safety net for what no boundary typed: a driver's connection failure
 * (Prisma P1001/P1017/P2024…, ECONNREFUSED, ioredis' closed connection or offline queue, BullMQ's)
 * is answered 503 with Retry-After too, never 500. Anything else goes to Nest's default handling.
 */
@Catch()
export class TypedErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');
  private lastOutageLog = 0;

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException) return super.catch(exception, host);
    const e = exception instanceof FrontierError ? exception : asUnavailable(exception);
    if (!e) return super.catch(exception, host);
    if (e !== exception) this.outage(e, exception);
    const status = STATUS_BY_CATEGORY[e.category];
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return void res.end();
    if (status === HttpStatus.SERVICE_UNAVAILABLE) res.setHeader('Retry-After', String(e.retryAfterS ?? 1));
    res.status(status).json({
      statusCode: status,
      error: reason(status),
      code: e.code,
      message: [e.message],
      ...(e.field ? { fields: { [e.field]: [e.message] } } : {}),
    });
  }

  /** One line per 5 s while a dependency is down, with the driver's own words. */
  private outage(e: FrontierError, raw: unknown): void {
    if (Date.now() - this.lastOutageLog < 5_000) return;
    this.lastOutageLog = Date.now();
    const detail = raw instanceof Error ? raw.message.split('\n').filter(Boolean).pop() : String(raw);
    this.log.warn(`${e.code}: answering 503 (${detail})`);
  }
}
