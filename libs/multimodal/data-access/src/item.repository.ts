import type { PrismaClient, MultimodalItem } from '@frontier/platform-prisma';

/** An item as multimodal's services see it. */
export interface MultimodalItemRecord {
  id: string;
  tenantId: string;
  title: string;
  createdAt: Date;
  processedAt: Date | null;
}

const toRecord = (row: MultimodalItem): MultimodalItemRecord => ({ id: row.id, tenantId: row.tenantId, title: row.title, createdAt: row.createdAt, processedAt: row.processedAt });

/** The `multimodal_items` table; every read and write is scoped to one tenant. */
export class MultimodalItemRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: string, title: string): Promise<MultimodalItemRecord> {
    return toRecord(await this.prisma.multimodalItem.create({ data: { tenantId, title } }));
  }

  async get(tenantId: string, id: string): Promise<MultimodalItemRecord | null> {
    const row = await this.prisma.multimodalItem.findFirst({ where: { id, tenantId } });
    return row ? toRecord(row) : null;
  }

  /** Marks the item processed at `at` (a repeat keeps the first time); null when it is gone. */
  async markProcessed(tenantId: string, id: string, at: Date = new Date()): Promise<MultimodalItemRecord | null> {
    await this.prisma.multimodalItem.updateMany({ where: { id, tenantId, processedAt: null }, data: { processedAt: at } });
    return this.get(tenantId, id);
  }
}
