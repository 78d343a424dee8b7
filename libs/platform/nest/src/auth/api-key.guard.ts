import { ForbiddenException, Injectable, Optional, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { sameDigest, hashSecret } from './api-keys';
import { ADMIN_ONLY, IS_PUBLIC, REQUIRED_SCOPES } from './public.decorator';
import { TenancyService, type Principal } from './tenancy.service';
import { PlatformSettings } from '../settings';

/** Told when a key authenticated a request; apps record it off the request path (a job). */
export abstract class ApiKeyUsageRecorder {
  abstract record(keyId: string, usedAt: Date): Promise<void>;
}

export type AuthedRequest = Request & { principal?: Principal };

/** The presented key: `Authorization: Bearer <key>`, `Authorization: Token <key>` (Mem0's scheme) or `x-api-key`. */
export function credential(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  if (header?.startsWith('Token ')) return header.slice(6).trim();
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

/**
 * Global guard: every route needs a tenant API key (`Authorization: Bearer fk_…`, `Token fk_…` or `x-api-key`)
 * unless marked `@Public()`; `@AdminOnly()` routes need the operator token instead.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tenancy: TenancyService,
    private readonly settings: PlatformSettings,
    @Optional() private readonly usage?: ApiKeyUsageRecorder,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const given = credential(req);
    if (!given) throw new UnauthorizedException('missing credentials: send "Authorization: Bearer <api key>" (or "Token <api key>") or "x-api-key"');

    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets)) {
      const admin = this.settings.adminToken;
      if (!admin) throw new ForbiddenException('admin routes are disabled: ADMIN_TOKEN is not set');
      if (!sameDigest(hashSecret(given), hashSecret(admin))) throw new UnauthorizedException('invalid admin token');
      return true;
    }

    const principal = await this.tenancy.authenticate(given);
    if (!principal) throw new UnauthorizedException('invalid or revoked API key');
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets) ?? [];
    if (!this.tenancy.can(principal, scopes)) throw new ForbiddenException(`this API key lacks scope(s): ${scopes.join(', ')}`);
    req.principal = principal;
    // bookkeeping must never fail or slow the request
    this.usage?.record(principal.keyId, new Date()).catch(() => undefined);
    return true;
  }
}
