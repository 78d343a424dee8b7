import type { PrismaClient, RecsysModelVersion } from '@frontier/platform-prisma';

export type ModelState = 'candidate' | 'live' | 'retired' | 'rejected';

export interface ModelVersionRecord {
  id: string;
  tenantId: string;
  kind: string;
  version: number;
  state: ModelState;
  metrics: Record<string, unknown>;
  weights: Uint8Array;
  createdAt: Date;
  promotedAt: Date | null;
}

const toRecord = (r: RecsysModelVersion): ModelVersionRecord => ({ ...r, state: r.state as ModelState, metrics: (r.metrics ?? {}) as Record<string, unknown> });

/**
 * `recsys_model_versions`: trained models per tenant and kind. Minimal on purpose — the training
 * loop (issue 12 item 5) adds the gate's reads and writes; the invariant "one live version per
 * tenant and kind" is a unique index in the database.
 */
export class ModelVersionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Registers a candidate as the next version of its kind. */
  async register(tenantId: string, kind: string, weights: Uint8Array, metrics: Record<string, unknown> = {}): Promise<ModelVersionRecord> {
    return this.prisma.$transaction(async (tx) => {
      const last = await tx.recsysModelVersion.findFirst({ where: { tenantId, kind }, orderBy: { version: 'desc' }, select: { version: true } });
      return toRecord(
        await tx.recsysModelVersion.create({ data: { tenantId, kind, version: (last?.version ?? 0) + 1, weights: new Uint8Array(weights), metrics: metrics as object } }),
      );
    });
  }

  async live(tenantId: string, kind: string): Promise<ModelVersionRecord | null> {
    const row = await this.prisma.recsysModelVersion.findFirst({ where: { tenantId, kind, state: 'live' } });
    return row ? toRecord(row) : null;
  }

  /** Makes `id` the live version of its kind and retires the one before, in one transaction. */
  async promote(tenantId: string, id: string, at: Date = new Date()): Promise<ModelVersionRecord> {
    return this.prisma.$transaction(async (tx) => {
      const m = await tx.recsysModelVersion.findFirstOrThrow({ where: { tenantId, id } });
      await tx.recsysModelVersion.updateMany({ where: { tenantId, kind: m.kind, state: 'live' }, data: { state: 'retired' } });
      return toRecord(await tx.recsysModelVersion.update({ where: { id }, data: { state: 'live', promotedAt: at } }));
    });
  }
}
