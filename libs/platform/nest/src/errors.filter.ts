import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/** Error classes of our libraries, recognised by name (platform must not import them). */
const STATUS_BY_NAME: Record<string, number> = {
  BadRequestError: HttpStatus.BAD_REQUEST,
  MlInputError: HttpStatus.BAD_REQUEST,
  InvalidVectorInputError: HttpStatus.BAD_REQUEST,
  ModelConfigError: HttpStatus.BAD_REQUEST,
  NotFoundError: HttpStatus.NOT_FOUND,
  ConflictError: HttpStatus.CONFLICT,
  QueueFullError: HttpStatus.SERVICE_UNAVAILABLE,
  ModelUnavailableError: HttpStatus.SERVICE_UNAVAILABLE,
  UpstreamError: HttpStatus.BAD_GATEWAY,
};

/**
 * Turns the typed errors of domain and provider libraries into clear 4xx/5xx answers naming the
 * field (`{statusCode, error, message: [...], fields: {field: [...]}}`); anything else goes to
 * Nest's default handling.
 */
@Catch()
export class TypedErrorFilter extends BaseExceptionFilter implements ExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException || !(exception instanceof Error) || !(exception.name in STATUS_BY_NAME)) {
      super.catch(exception, host);
      return;
    }
    const e = exception as Error & { field?: string; kind?: string };
    let status = STATUS_BY_NAME[e.name] as number;
    if (e.name === 'UpstreamError' && e.kind === 'timeout') status = HttpStatus.GATEWAY_TIMEOUT;
    const res = host.switchToHttp().getResponse<Response>();
    if (status === HttpStatus.SERVICE_UNAVAILABLE) res.setHeader('Retry-After', '1');
    const message = e.message;
    res.status(status).json({
      statusCode: status,
      error: HttpStatus[status]?.toString().replace(/_/g, ' ').toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase()) ?? 'Error',
      message: [message],
      ...(e.field ? { fields: { [e.field]: [message] } } : {}),
    });
  }
}
