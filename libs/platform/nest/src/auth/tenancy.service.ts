import { ConflictException, Injectable, Optional, NotFoundException } from '@nestjs/common';
import { Prisma, PrismaService } from '@frontier/platform-prisma';
import { hasScopes, mintApiKey, parseApiKey, hashSecret, sameDigest } from './api-keys';
import { PlatformSettings } from '../settings';

/** Who a request acts for, once its API key checked out. */
export interface Principal {
  tenantId: string;
  keyId: string;
  scopes: string[];
}

export interface IssuedKey {
  id: string;
  tenantId: string;
  name: string;
  scopes: string[];
  /** The full key: returned once, at creation. */
  key: string;
  createdAt: Date;
}

/** Most keys kept in the in-process authentication cache. */
const AUTH_CACHE_KEYS = 10_000;

@Injectable()
export class TenancyService {
  /** sha256(presented key) → its principal and when to ask Postgres again. Only good keys are kept. */
  private readonly authCache = new Map<string, { principal: Principal; until: number }>();
  private readonly authCacheMs: number;

  constructor(
    private readonly prisma: PrismaService,
    @Optional() settings?: PlatformSettings,
  ) {
    this.authCacheMs = settings?.authCacheMs ?? 2_000;
  }

  async createTenant(name: string) {
    try {
      return await this.prisma.tenant.create({ data: { name } });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
        throw new ConflictException({ message: `a tenant named "${name}" already exists`, field: 'name' });
      }
      throw e;
    }
  }

  async issueKey(tenantId: string, name: string, scopes: string[]): Promise<IssuedKey> {
    const tenant = await this.prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!tenant) throw new NotFoundException({ message: `tenant ${tenantId} not found`, field: 'tenantId' });
    const minted = mintApiKey();
    const row = await this.prisma.apiKey.create({ data: { tenantId, name, scopes, prefix: minted.prefix, secretHash: minted.secretHash } });
    return { id: row.id, tenantId, name, scopes: row.scopes, key: minted.plaintext, createdAt: row.createdAt };
  }

  async listKeys(tenantId: string) {
    return this.prisma.apiKey.findMany({
      where: { tenantId },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  async revokeKey(tenantId: string, keyId: string): Promise<void> {
    const { count } = await this.prisma.apiKey.updateMany({ where: { id: keyId, tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
    for (const [k, v] of this.authCache) if (v.principal.keyId === keyId) this.authCache.delete(k);
    if (!count) throw new NotFoundException({ message: `active key ${keyId} not found for tenant ${tenantId}`, field: 'keyId' });
  }

  /** The principal behind `key`, or null for a malformed, unknown, wrong or revoked key. */
  async authenticate(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const cacheKey = this.authCacheMs > 0 ? hashSecret(key) : '';
    const hit = cacheKey ? this.authCache.get(cacheKey) : undefined;
    if (hit && hit.until > Date.now()) return hit.principal;
    const row = await this.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } });
    if (!row || row.revokedAt || !sameDigest(row.secretHash, hashSecret(parsed.secret))) {
      if (cacheKey) this.authCache.delete(cacheKey);
      return null;
    }
    const principal = { tenantId: row.tenantId, keyId: row.id, scopes: row.scopes };
    if (cacheKey) {
      this.authCache.delete(cacheKey);
      if (this.authCache.size >= AUTH_CACHE_KEYS) this.authCache.delete(this.authCache.keys().next().value as string);
      this.authCache.set(cacheKey, { principal, until: Date.now() + this.authCacheMs });
    }
    return principal;
  }

  can(principal: Principal, required: string[]): boolean {
    return hasScopes(principal.scopes, required);
  }

  async touch(keyId: string, usedAt: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: usedAt } }] }, data: { lastUsedAt: usedAt } });
  }
}
