import { createHash } from 'node:crypto';
import type { PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import { MemoryCipher } from './cipher';

/**
 * What a biography was built from: SHA-256 (hex) of the facts' `id:text` as stored (the sealed
 * text: a ciphertext changes exactly when its text is rewritten), sorted, one per line.
 * {@link BiographyRepository.liveFingerprint} computes it in Postgres, the only place that sees the
 * stored texts: callers compare fingerprints from there.
 */
export function biographyFingerprint(facts: ReadonlyArray<{ id: string; text: string }>): string {
  return createHash('sha256').update(facts.map((f) => `${f.id}:${f.text}`).sort().join('\n')).digest('hex');
}

export interface BiographyRecord {
  text: string;
  factCount: number;
  fingerprint: string;
  generator: string;
  stale: boolean;
  builtAt: Date;
}

/** The `biographies` table: one per user, rebuilt from live facts (its text sealed with the user's data key). */
export class BiographyRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** Encryption at rest. Default: from the environment; share one per process. */
    readonly cipher: MemoryCipher = MemoryCipher.fromEnv(prisma),
  ) {}

  private key(scope: MemoryScope) {
    return { tenantId_userId: { tenantId: scope.tenantId, userId: scope.userId } };
  }

  async get(scope: MemoryScope): Promise<BiographyRecord | null> {
    const b = await this.prisma.biography.findUnique({ where: this.key(scope) });
    if (!b) return null;
    const text = (await this.cipher.opener(scope, [b.text])).text('biographies.text', b.text);
    return { text, factCount: b.factCount, fingerprint: b.fingerprint, generator: b.generator, stale: b.stale, builtAt: b.builtAt };
  }

  async save(scope: MemoryScope, b: BiographyRecord): Promise<void> {
    const sealed = { ...b, text: (await this.cipher.sealer(scope)).text('biographies.text', b.text) };
    await this.prisma.biography.upsert({ where: this.key(scope), create: { tenantId: scope.tenantId, userId: scope.userId, ...sealed }, update: sealed });
  }

  /** Any change to live facts makes the biography stale until the next rebuild. */
  async markStale(scope: MemoryScope): Promise<void> {
    await this.prisma.biography.updateMany({ where: { tenantId: scope.tenantId, userId: scope.userId }, data: { stale: true } });
  }

  /**
   * {@link biographyFingerprint} of the user's live facts at `at`, computed in Postgres (one row
   * back): a stored biography whose fingerprint differs names a fact that is no longer live, or
   * misses a new one. Ids are fixed-length ASCII and unique, so sorting the lines is sorting ids.
   */
  async liveFingerprint(scope: MemoryScope, at: Date): Promise<string> {
    const rows = await this.prisma.$queryRaw<Array<{ fp: string }>>`
      SELECT encode(sha256(convert_to(coalesce(string_agg(m.id::text || ':' || m.text, E'\n' ORDER BY m.id::text COLLATE "C"), ''), 'UTF8')), 'hex') AS fp
      FROM memories m
      WHERE m.tenant_id = ${scope.tenantId}::uuid AND m.user_id = ${scope.userId}
        AND m.deleted_at IS NULL AND m.superseded_by_id IS NULL
        AND (m.invalid_at IS NULL OR m.invalid_at > ${at}) AND (m.expired_at IS NULL OR m.expired_at > ${at})`;
    return rows[0]?.fp ?? biographyFingerprint([]);
  }

  /** Users with live memories whose biography is missing, stale, or built before `cutoff`. */
  async usersNeedingRebuild(cutoff: Date): Promise<MemoryScope[]> {
    const rows = await this.prisma.$queryRaw<Array<{ tenant_id: string; user_id: string }>>`
      SELECT DISTINCT m.tenant_id::text AS tenant_id, m.user_id
      FROM memories m
      LEFT JOIN biographies b ON b.tenant_id = m.tenant_id AND b.user_id = m.user_id
      WHERE m.deleted_at IS NULL AND m.superseded_by_id IS NULL
        AND (b.user_id IS NULL OR b.stale OR b.built_at < ${cutoff})`;
    return rows.map((r) => ({ tenantId: r.tenant_id, userId: r.user_id }));
  }
}
