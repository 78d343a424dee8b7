import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Prisma, PrismaService } from '@frontier/platform-prisma';
import { hasScopes, mintApiKey, parseApiKey, hashSecret, sameDigest } from './api-keys';

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

@Injectable()
export class TenancyService {
  constructor(private readonly prisma: PrismaService) {}

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
    if (!count) throw new NotFoundException({ message: `active key ${keyId} not found for tenant ${tenantId}`, field: 'keyId' });
  }

  /** The principal behind `key`, or null for a malformed, unknown, wrong or revoked key. */
  async authenticate(key: string): Promise<Principal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const row = await this.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } });
    if (!row || row.revokedAt || !sameDigest(row.secretHash, hashSecret(parsed.secret))) return null;
    return { tenantId: row.tenantId, keyId: row.id, scopes: row.scopes };
  }

  can(principal: Principal, required: string[]): boolean {
    return hasScopes(principal.scopes, required);
  }

  async touch(keyId: string, usedAt: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: usedAt } }] }, data: { lastUsedAt: usedAt } });
  }
}
