import { Catch, HttpException, Inject, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '@frontier/platform-nest';
import { UpstreamError } from '@frontier/ml-ports';
import { asUnavailable, FrontierError, type ErrorCategory } from '@frontier/platform-util';
import { rateLimitHeaders } from '../limits/headers';
import { RateLimitedError } from '../limits/rate-limited.error';
import { rejectionReason, RejectionsService } from '../spend/rejections.service';

/** An error that knows its OpenAI-shaped answer (rate limits, context length). */
export interface OpenAiAnswerable {
  openAiAnswer(): { status: number; body: { error: Record<string, unknown> }; headers?: Record<string, string> };
}

const isAnswerable = (e: unknown): e is OpenAiAnswerable => typeof e === 'object' && e !== null && typeof (e as { openAiAnswer?: unknown }).openAiAnswer === 'function';

const STATUS: Record<ErrorCategory, number> = { invalid: 400, 'not-found': 404, conflict: 409, unsupported: 501, unavailable: 503, upstream: 502, timeout: 504 };

function typeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The upstream LLM's failure before any output: its own 4xx passes through (400: the model refused
 * the request as sent); unreachable, overloaded (429/5xx) → 503 with Retry-After; too slow → 504.
 */
function upstreamAnswer(e: UpstreamError): { status: number; body: { error: Record<string, unknown> }; headers?: Record<string, string> } {
  const s = e.status;
  if (e.kind === 'timeout') return { status: 504, body: { error: { message: `The model server did not answer in time: ${e.message}`, type: 'server_error', param: null, code: 'upstream_timeout' } } };
  if (s !== undefined && s >= 400 && s < 500 && s !== 429 && s !== 408) {
    return { status: s, body: { error: { message: `The model server refused the request: ${e.message}`, type: typeFor(s), param: null, code: 'upstream_refused' } } };
  }
  return {
    status: 503,
    headers: { 'retry-after': '2' },
    body: { error: { message: `The model server is unavailable: ${e.message}`, type: 'server_error', param: null, code: 'upstream_unavailable' } },
  };
}

/**
 * The gateway's routes answer errors in OpenAI's shape — `{error: {message, type, param, code}}` —
 * so the official SDKs raise their typed errors (BadRequestError, RateLimitError…). 503 carries
 * Retry-After; a dependency's connection failure is a 503, never a 500. Every refusal of an
 * authenticated caller's request (4xx: limits, budget, safety, size, context, bad input) is counted
 * per key, day and reason ({@link RejectionsService}: the console's Spend page).
 */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Gateway');

  constructor(@Optional() @Inject(RejectionsService) private readonly rejections: RejectionsService | null = null) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      if (!res.writableEnded) res.end();
      return;
    }
    const { status, body, headers } = this.answer(exception);
    const principal = host.switchToHttp().getRequest<Request & { principal?: Principal }>().principal;
    const reason = principal && this.rejections ? rejectionReason(exception, status, typeof body.error['code'] === 'string' ? body.error['code'] : null) : null;
    if (reason && principal) this.rejections?.record(principal, reason);
    for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
    res.status(status).json(body);
  }

  answer(exception: unknown): { status: number; body: { error: Record<string, unknown> }; headers?: Record<string, string> } {
    if (isAnswerable(exception)) return exception.openAiAnswer();
    if (exception instanceof UpstreamError) return upstreamAnswer(exception);
    if (exception instanceof RateLimitedError) {
      return { status: 429, body: exception.getResponse() as { error: Record<string, unknown> }, headers: rateLimitHeaders(exception) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const r = exception.getResponse();
      const o = (typeof r === 'object' && r !== null ? r : { message: r }) as { message?: unknown; fields?: Record<string, unknown>; code?: unknown };
      const message = Array.isArray(o.message) ? o.message.join('; ') : String(o.message ?? exception.message);
      const param = o.fields ? (Object.keys(o.fields)[0] ?? null) : null;
      const code = typeof o.code === 'string' ? o.code : status === 401 ? 'invalid_api_key' : status === 413 ? 'request_too_large' : null;
      return { status, body: { error: { message, type: typeFor(status), param, code } } };
    }
    const e = exception instanceof FrontierError ? exception : asUnavailable(exception);
    if (e) {
      const status = STATUS[e.category];
      const headers = status === 503 ? { 'retry-after': String(e.retryAfterS ?? 1) } : undefined;
      return { status, body: { error: { message: e.message, type: typeFor(status), param: e.field ?? null, code: e.code } }, headers };
    }
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: 500, body: { error: { message: 'The gateway failed to answer this request.', type: 'server_error', param: null, code: 'internal_error' } } };
  }
}
