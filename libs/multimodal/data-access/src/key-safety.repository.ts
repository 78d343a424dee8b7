import type { PrismaClient } from '@frontier/platform-prisma';

export interface KeySafety {
  /** Porn + Hentai at or above this → explicit; null: the gateway's default. */
  nsfwExplicit: number | null;
  /** Sexy at or above this → suggestive; null: the gateway's default. */
  nsfwSuggestive: number | null;
}

/** Per-key safety thresholds (multimodal_key_safety). */
export class KeySafetyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async get(keyId: string): Promise<KeySafety | null> {
    const row = await this.prisma.multimodalKeySafety.findUnique({ where: { keyId } });
    return row ? { nsfwExplicit: row.nsfwExplicit, nsfwSuggestive: row.nsfwSuggestive } : null;
  }

  /** Sets a key's thresholds (the key must belong to the tenant); null when it does not. */
  async set(tenantId: string, keyId: string, values: KeySafety): Promise<KeySafety | null> {
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, tenantId }, select: { id: true } });
    if (!key) return null;
    const row = await this.prisma.multimodalKeySafety.upsert({ where: { keyId }, create: { keyId, ...values }, update: { ...values, updatedAt: new Date() } });
    return { nsfwExplicit: row.nsfwExplicit, nsfwSuggestive: row.nsfwSuggestive };
  }
}
