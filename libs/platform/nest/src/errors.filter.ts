import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { FrontierError, type ErrorCategory } from '@frontier/platform-util';

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
 * with `Retry-After` on 503; anything else goes to Nest's default handling.
 */
@Catch()
export class TypedErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException || !(exception instanceof FrontierError)) {
      super.catch(exception, host);
      return;
    }
    const e = exception;
    const status = STATUS_BY_CATEGORY[e.category];
    const res = host.switchToHttp().getResponse<Response>();
    if (status === HttpStatus.SERVICE_UNAVAILABLE) res.setHeader('Retry-After', String(e.retryAfterS ?? 1));
    res.status(status).json({
      statusCode: status,
      error: reason(status),
      code: e.code,
      message: [e.message],
      ...(e.field ? { fields: { [e.field]: [e.message] } } : {}),
    });
  }
}
