import { Prisma, type MultimodalJob, type PrismaClient } from '@frontier/platform-prisma';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

/** An async job as multimodal's services see it (without the clip's bytes). */
export interface JobRecord {
  id: string;
  tenantId: string;
  keyId: string;
  kind: string;
  status: JobStatus;
  model: string;
  part: string;
  params: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  attempts: number;
  webhookUrl: string | null;
  webhookSentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface NewJob {
  tenantId: string;
  keyId: string;
  kind: string;
  model: string;
  part: string;
  input: Uint8Array;
  params: Record<string, unknown>;
  webhookUrl?: string | null;
}

const toRecord = (r: MultimodalJob): JobRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  keyId: r.keyId,
  kind: r.kind,
  status: r.status as JobStatus,
  model: r.model,
  part: r.part,
  params: r.params as Record<string, unknown>,
  result: (r.result as Record<string, unknown> | null) ?? null,
  error: (r.error as { code: string; message: string } | null) ?? null,
  attempts: r.attempts,
  webhookUrl: r.webhookUrl,
  webhookSentAt: r.webhookSentAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OMIT_INPUT = { input: true } as const;

/** Async jobs in Postgres (the truth): created by the gateway, claimed and finished by the worker. */
export class JobsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(job: NewJob): Promise<JobRecord> {
    const row = await this.prisma.multimodalJob.create({
      data: { tenantId: job.tenantId, keyId: job.keyId, kind: job.kind, status: 'queued', model: job.model, part: job.part, input: Buffer.from(job.input), params: job.params as Prisma.InputJsonValue, webhookUrl: job.webhookUrl ?? null },
      omit: OMIT_INPUT,
    });
    return toRecord(row as MultimodalJob);
  }

  /** The tenant's job, or null (another tenant's job is as good as missing). */
  async get(tenantId: string, id: string): Promise<JobRecord | null> {
    if (!UUID.test(id)) return null;
    const row = await this.prisma.multimodalJob.findFirst({ where: { id, tenantId }, omit: OMIT_INPUT });
    return row ? toRecord(row as MultimodalJob) : null;
  }

  /**
   * Claims a job for a run: queued, or running but not touched for `staleAfterS` (its worker died).
   * Returns the row with its clip, or null when it is finished, taken or gone.
   */
  async claim(id: string, staleAfterS: number): Promise<(JobRecord & { input: Uint8Array }) | null> {
    const claimed = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE multimodal_jobs SET status = 'running', attempts = attempts + 1, started_at = now(), updated_at = now()
      WHERE id = ${id}::uuid AND input IS NOT NULL
        AND (status = 'queued' OR (status = 'running' AND updated_at < now() - make_interval(secs => ${staleAfterS})))
      RETURNING id`;
    if (claimed.length === 0) return null;
    const row = await this.prisma.multimodalJob.findUnique({ where: { id } });
    if (!row?.input) return null;
    return { ...toRecord(row), input: new Uint8Array(row.input) };
  }

  /** Keeps a running job from looking stale. */
  async heartbeat(id: string): Promise<void> {
    await this.prisma.multimodalJob.updateMany({ where: { id, status: 'running' }, data: { updatedAt: new Date() } });
  }

  async complete(id: string, result: Record<string, unknown>): Promise<JobRecord> {
    const row = await this.prisma.multimodalJob.update({ where: { id }, data: { status: 'completed', result: result as Prisma.InputJsonValue, input: null, finishedAt: new Date(), updatedAt: new Date() }, omit: OMIT_INPUT });
    return toRecord(row as MultimodalJob);
  }

  async fail(id: string, error: { code: string; message: string }): Promise<JobRecord> {
    const row = await this.prisma.multimodalJob.update({ where: { id }, data: { status: 'failed', error, input: null, finishedAt: new Date(), updatedAt: new Date() }, omit: OMIT_INPUT });
    return toRecord(row as MultimodalJob);
  }

  /** Puts a running job back to queued (a retryable failure). */
  async release(id: string): Promise<void> {
    await this.prisma.multimodalJob.updateMany({ where: { id, status: 'running' }, data: { status: 'queued', updatedAt: new Date() } });
  }

  async markWebhookSent(id: string): Promise<void> {
    await this.prisma.multimodalJob.update({ where: { id }, data: { webhookSentAt: new Date() } });
  }

  /** Jobs queued or running with no progress since `before`, oldest first (the reconciler's work). */
  async stale(before: Date, limit: number): Promise<Array<{ id: string; status: JobStatus }>> {
    const rows = await this.prisma.multimodalJob.findMany({
      where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: before } },
      orderBy: { updatedAt: 'asc' },
      take: limit,
      select: { id: true, status: true },
    });
    return rows.map((r) => ({ id: r.id, status: r.status as JobStatus }));
  }

  /** Finished jobs whose webhook is still to be delivered. */
  async webhooksDue(limit: number): Promise<string[]> {
    const rows = await this.prisma.multimodalJob.findMany({
      where: { status: { in: ['completed', 'failed'] }, webhookUrl: { not: null }, webhookSentAt: null },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async byId(id: string): Promise<JobRecord | null> {
    const row = await this.prisma.multimodalJob.findUnique({ where: { id }, omit: OMIT_INPUT });
    return row ? toRecord(row as MultimodalJob) : null;
  }
}
