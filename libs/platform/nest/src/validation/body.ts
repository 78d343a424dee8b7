import {
  Injectable,
  PayloadTooLargeException,
  SetMetadata,
  UnsupportedMediaTypeException,
  type CallHandler,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import { DEFAULT_MAX_DEPTH, jsonProblem } from '@frontier/platform-util';
import { badRequest } from './pipe';

/**
 * JSON request bodies, read by the platform instead of Express's parser: a byte limit per route
 * (`@BodyLimit`, else {@link DEFAULT_BODY_LIMIT}) answered with a 413 that says the limit, strict
 * UTF-8, and — before class-transformer or any parser walks it recursively — a check that the
 * document nests at most {@link DEFAULT_MAX_DEPTH} levels and holds no NUL or lone surrogate in
 * any key or string (a 400 naming the path). The read happens after the guards (an unauthenticated
 * caller's body is never buffered) and before the pipes.
 */

export const BODY_LIMIT = 'frontier:body-limit';
/** The limit of a route that declares none: 256 KiB. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * A request body limit in bytes, on a route, a controller, or the route's `@Body()` DTO class
 * (looked up in that order): put it on the DTO, next to the maxima it must agree with — at least
 * the largest compact JSON body the DTO accepts.
 */
export const BodyLimit = (bytes: number) => SetMetadata(BODY_LIMIT, bytes);

type Handler = (...args: unknown[]) => unknown;

/** The class of the handler's `@Body()` parameter, if it has one. */
function bodyType(controller: object, handler: Handler): unknown {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.constructor, handler.name) ?? {}) as Record<string, { index: number; data?: unknown }>;
  const body = Object.entries(args).find(([key, a]) => key.split(':')[0] === String(RouteParamtypes.BODY) && a.data === undefined)?.[1];
  if (!body) return undefined;
  return (Reflect.getMetadata('design:paramtypes', controller, handler.name) as unknown[] | undefined)?.[body.index];
}

export interface JsonBodyOptions {
  /** Bytes for routes without `@BodyLimit`. */
  defaultLimit?: number;
  /** Most nesting levels (the root object is level 1). */
  maxDepth?: number;
}

/** `1 MiB`, `256 KiB`, `900 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

const JSON_TYPE = /^application\/([\w.+-]+\+)?json$/i;

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Reads the whole body, or everything up to `limit` bytes and then the rest unkept (so the client can read the 413). */
function readBody(req: Request, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks, size)));
    req.on('error', reject);
    req.on('close', () => req.complete || reject(new Error('request body ended early')));
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly defaultLimit: number;
  private readonly maxDepth: number;

  constructor(
    private readonly reflector: Reflector,
    options: JsonBodyOptions = {},
  ) {
    this.defaultLimit = options.defaultLimit ?? DEFAULT_BODY_LIMIT;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    if (req.body !== undefined || !hasBody(req)) return next.handle();
    return from(this.read(req, this.limitOf(ctx))).pipe(switchMap(() => next.handle()));
  }

  private readonly limits = new WeakMap<Handler, number>();

  private limitOf(ctx: ExecutionContext): number {
    const handler = ctx.getHandler() as Handler;
    let limit = this.limits.get(handler);
    if (limit === undefined) {
      const dto = bodyType(ctx.getClass().prototype as object, handler);
      const onDto = typeof dto === 'function' ? (Reflect.getMetadata(BODY_LIMIT, dto) as number | undefined) : undefined;
      limit = this.reflector.getAllAndOverride<number | undefined>(BODY_LIMIT, [handler, ctx.getClass()]) ?? onDto ?? this.defaultLimit;
      this.limits.set(handler, limit);
    }
    return limit;
  }

  private async read(req: Request, limit: number): Promise<void> {
    const route = `${req.method} ${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
    const tooLarge = () => new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message: [`request body exceeds ${formatBytes(limit)} (limit of ${route})`] });
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const charset = /;\s*charset="?([^";]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
    const encoding = req.headers['content-encoding'];
    let unsupported: string | undefined;
    if (!JSON_TYPE.test(type)) unsupported = `request body must be JSON (Content-Type: application/json), not ${type || 'untyped'}`;
    else if (charset && !/^utf-?8$/i.test(charset)) unsupported = `request body must be UTF-8, not ${charset}`;
    else if (encoding && encoding !== 'identity') unsupported = `Content-Encoding ${encoding} is not supported`;
    // refused before reading: Node discards the unread rest once the answer is sent
    if (unsupported) throw new UnsupportedMediaTypeException({ statusCode: 415, error: 'Unsupported Media Type', message: [unsupported] });
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
    const raw = await readBody(req, limit);
    if (raw === 'too-large') throw tooLarge();
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      throw badRequest({ body: ['body is not valid UTF-8'] });
    }
    let value: unknown;
    try {
      value = text.trim() === '' ? {} : JSON.parse(text);
    } catch (e) {
      throw badRequest({ body: [`body is not valid JSON: ${(e as Error).message}`] });
    }
    if (typeof value !== 'object' || value === null) throw badRequest({ body: ['body must be a JSON object or array'] });
    const problem = jsonProblem(value, { maxDepth: this.maxDepth, strings: true });
    if (problem) {
      const field = problem.path || 'body';
      throw badRequest({ [field]: [`${field} ${problem.problem}`] }, true);
    }
    req.body = value;
  }
}

/**
 * Installs the JSON body reader on an app created with `bodyParser: false` (see `createHttpApp`):
 * it runs first among the interceptors, so every pipe sees the checked body.
 */
export function installJsonBody(app: INestApplication, options: JsonBodyOptions = {}): void {
  app.useGlobalInterceptors(new JsonBodyInterceptor(app.get(Reflector), options));
}
