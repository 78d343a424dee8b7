import type { PrismaClient } from '@frontier/platform-prisma';
import type { DataKeyStore, KeySubject, StoredDataKey, WrappedKey } from '@frontier/platform-crypto';

const id = (s: KeySubject) => ({ tenantId_userId: { tenantId: s.tenantId, userId: s.subjectId } });
const stored = (r: { keyId: string; masterKeyId: string; wrappedKey: Uint8Array }): StoredDataKey => ({ keyId: r.keyId, masterKeyId: r.masterKeyId, wrapped: r.wrappedKey });

/** Memory's wrapped per-user data keys: the `memory_data_keys` table (subject = tenant + user id). */
export class PrismaDataKeyStore implements DataKeyStore {
  constructor(private readonly prisma: PrismaClient) {}

  async find(subject: KeySubject): Promise<StoredDataKey | null> {
    const r = await this.prisma.memoryDataKey.findUnique({ where: id(subject) });
    return r ? stored(r) : null;
  }

  async insertIfAbsent(subject: KeySubject, key: StoredDataKey): Promise<StoredDataKey> {
    await this.prisma.memoryDataKey.createMany({
      data: [{ tenantId: subject.tenantId, userId: subject.subjectId, keyId: key.keyId, masterKeyId: key.masterKeyId, wrappedKey: Buffer.from(key.wrapped) }],
      skipDuplicates: true,
    });
    const r = await this.prisma.memoryDataKey.findUniqueOrThrow({ where: id(subject) });
    return stored(r);
  }

  async destroy(subject: KeySubject): Promise<boolean> {
    const r = await this.prisma.memoryDataKey.deleteMany({ where: { tenantId: subject.tenantId, userId: subject.subjectId } });
    return r.count > 0;
  }

  async wrappedByOtherThan(masterKeyId: string, limit: number): Promise<Array<{ subject: KeySubject; key: StoredDataKey }>> {
    const rows = await this.prisma.memoryDataKey.findMany({ where: { masterKeyId: { not: masterKeyId } }, orderBy: [{ tenantId: 'asc' }, { userId: 'asc' }], take: limit });
    return rows.map((r) => ({ subject: { tenantId: r.tenantId, subjectId: r.userId }, key: stored(r) }));
  }

  async replaceWrap(subject: KeySubject, keyId: string, fromMasterKeyId: string, to: WrappedKey): Promise<boolean> {
    const r = await this.prisma.memoryDataKey.updateMany({
      where: { tenantId: subject.tenantId, userId: subject.subjectId, keyId, masterKeyId: fromMasterKeyId },
      data: { masterKeyId: to.masterKeyId, wrappedKey: Buffer.from(to.wrapped), rewrappedAt: new Date() },
    });
    return r.count === 1;
  }
}
