import type { BillingEventPayload, UsageLine } from '@frontier/multimodal-contracts';
import { Prisma, type MultimodalBillingEvent, type PrismaClient } from '@frontier/platform-prisma';
import { InvalidInputError, parseIsoTime, textProblem } from '@frontier/platform-util';
import { fromNanoUsd, mergeUsageLines, toNanoUsd } from './usage-lines';

export type BillingStatus = BillingEventPayload['status'];
export const BILLING_STATUSES: readonly BillingStatus[] = ['completed', 'cancelled', 'failed'];

/** A stored billing event as multimodal's services see it. */
export interface BillingEventRecord {
  id: string;
  requestId: string;
  tenantId: string;
  keyId: string;
  model: string;
  status: BillingStatus;
  /** Merged: one line per modality and direction. */
  lines: UsageLine[];
  tokens: number;
  costUsd: number;
  endedAt: Date;
  createdAt: Date;
  recordedAt: Date | null;
}

export interface InsertedEvent {
  event: BillingEventRecord;
  /** False when an event of this request id was already stored (the stored one is returned). */
  inserted: boolean;
}

export type ExpandOutcome =
  | { eventId: string; status: 'expanded'; rows: number; recordedAt: Date }
  /** Its usage rows were written before (a repeated job): nothing written. */
  | { eventId: string; status: 'already'; rows: 0; recordedAt: Date }
  /** No such event (deleted with its tenant, or never stored). */
  | { eventId: string; status: 'missing'; rows: 0 };

export interface PendingEvent {
  id: string;
  requestId: string;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REQUEST_ID = 256;
const MAX_MODEL = 256;

const toRecord = (row: MultimodalBillingEvent): BillingEventRecord => ({
  id: row.id,
  requestId: row.requestId,
  tenantId: row.tenantId,
  keyId: row.keyId,
  model: row.model,
  status: row.status as BillingStatus,
  lines: row.lines as unknown as UsageLine[],
  tokens: row.tokens,
  costUsd: Number(row.costUsd),
  endedAt: row.endedAt,
  createdAt: row.createdAt,
  recordedAt: row.recordedAt,
});

function checkEvent(e: BillingEventPayload): { lines: UsageLine[]; endedAt: Date } {
  const text = (field: 'requestId' | 'model', max: number) => {
    const problem = textProblem(e[field], { max, line: true, notBlank: true });
    if (problem) throw new InvalidInputError(field, `${field} ${problem}`);
  };
  text('requestId', MAX_REQUEST_ID);
  text('model', MAX_MODEL);
  if (typeof e.tenantId !== 'string' || !UUID.test(e.tenantId)) throw new InvalidInputError('tenantId', 'tenantId must be a tenant id (uuid)');
  if (typeof e.keyId !== 'string' || !UUID.test(e.keyId)) throw new InvalidInputError('keyId', 'keyId must be an API key id (uuid)');
  if (!BILLING_STATUSES.includes(e.status)) throw new InvalidInputError('status', `status must be one of ${BILLING_STATUSES.join(', ')}`);
  const at = typeof e.at === 'string' ? parseIsoTime(e.at, 'event') : { problem: 'must be an ISO 8601 date-time string' };
  if (!at.date) throw new InvalidInputError('at', `at ${at.problem}`);
  return { lines: mergeUsageLines(e.lines), endedAt: at.date };
}

/**
 * `multimodal_billing_events` and their expansion into `multimodal_usage`. The event row is the
 * truth (stored once per request id); its usage rows are derived from it exactly once.
 */
export class BillingRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores the event of a request (lines checked and merged, totals computed). Idempotent by
   * request id: a repeat stores nothing and returns the event stored first (`inserted: false`).
   * Refuses a malformed event (InvalidInputError naming the field) before touching the database.
   */
  async insertEvent(payload: BillingEventPayload): Promise<InsertedEvent> {
    const { lines, endedAt } = checkEvent(payload);
    const nano = lines.reduce((s, l) => s + toNanoUsd(l.costUsd), 0);
    const tokens = lines.reduce((s, l) => s + l.tokens, 0);
    if (tokens > 2_147_483_647) throw new InvalidInputError('lines', 'lines sum to more than 2147483647 tokens');
    const { count } = await this.prisma.multimodalBillingEvent.createMany({
      data: [
        {
          requestId: payload.requestId,
          tenantId: payload.tenantId,
          keyId: payload.keyId,
          model: payload.model,
          status: payload.status,
          lines: lines as unknown as Prisma.InputJsonValue,
          tokens,
          costUsd: fromNanoUsd(nano).toFixed(9),
          endedAt,
        },
      ],
      skipDuplicates: true,
    });
    const row = await this.prisma.multimodalBillingEvent.findUniqueOrThrow({ where: { requestId: payload.requestId } });
    return { event: toRecord(row), inserted: count === 1 };
  }

  async get(eventId: string): Promise<BillingEventRecord | null> {
    if (!UUID.test(eventId)) return null;
    const row = await this.prisma.multimodalBillingEvent.findUnique({ where: { id: eventId } });
    return row ? toRecord(row) : null;
  }

  async byRequestId(tenantId: string, requestId: string): Promise<BillingEventRecord | null> {
    const row = await this.prisma.multimodalBillingEvent.findFirst({ where: { requestId, tenantId } });
    return row ? toRecord(row) : null;
  }

  /**
   * Writes the event's usage rows and marks it recorded, in one transaction under the event's row
   * lock: a repeated or concurrent expansion of the same event writes nothing (`already`).
   */
  async expandEvent(eventId: string, at: Date = new Date()): Promise<ExpandOutcome> {
    if (!UUID.test(eventId)) return { eventId, status: 'missing', rows: 0 };
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM multimodal_billing_events WHERE id = ${eventId}::uuid FOR UPDATE`;
      if (!locked.length) return { eventId, status: 'missing', rows: 0 } as const;
      const event = toRecord(await tx.multimodalBillingEvent.findUniqueOrThrow({ where: { id: eventId } }));
      if (event.recordedAt) return { eventId, status: 'already', rows: 0, recordedAt: event.recordedAt } as const;
      const { count } = await tx.multimodalUsage.createMany({
        data: event.lines.map((l) => ({
          eventId,
          tenantId: event.tenantId,
          keyId: event.keyId,
          model: event.model,
          modality: l.modality,
          direction: l.direction,
          unit: l.unit,
          units: l.units.toFixed(6),
          tokens: l.tokens,
          costUsd: l.costUsd.toFixed(9),
          requestId: event.requestId,
          createdAt: event.endedAt,
        })),
        skipDuplicates: true,
      });
      await tx.multimodalBillingEvent.update({ where: { id: eventId }, data: { recordedAt: at } });
      return { eventId, status: 'expanded', rows: count, recordedAt: at } as const;
    });
  }

  /**
   * Events stored before `olderThan` (database time) and not yet expanded, oldest first, `limit` at
   * most; `after` continues from the last one of the previous page.
   */
  async pendingEvents(olderThan: Date, limit: number, after?: { createdAt: Date; id: string }): Promise<PendingEvent[]> {
    const rows = await this.prisma.multimodalBillingEvent.findMany({
      where: {
        recordedAt: null,
        createdAt: { lt: olderThan },
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, requestId: true, createdAt: true },
    });
    return rows;
  }

  /** What a key's requests that ended at or after `since` cost, in US dollars (from the events: expanded or not). */
  async spentUsd(keyId: string, since: Date): Promise<number> {
    if (!UUID.test(keyId)) return 0;
    const r = await this.prisma.multimodalBillingEvent.aggregate({ where: { keyId, endedAt: { gte: since } }, _sum: { costUsd: true } });
    return Number(r._sum.costUsd ?? 0);
  }
}
