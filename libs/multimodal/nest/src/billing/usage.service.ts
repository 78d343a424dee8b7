import { Injectable } from '@nestjs/common';
import type { UsageUnit } from '@frontier/multimodal-contracts';
import { UsageRepository, type UsageGroupBy } from '@frontier/multimodal-data-access';
import type { Principal } from '@frontier/platform-nest';
import { InvalidInputError } from '@frontier/platform-util';
import type { UsageQueryDto } from './dto/usage-query.dto';

const DAY_MS = 86_400_000;
/** Default span when `from` is not given. */
export const USAGE_DEFAULT_DAYS = 30;
/** Longest span one query may cover. */
export const USAGE_MAX_DAYS = 366;

/** The wire shape of `GET /v1/usage` (snake_case like the rest of the HTTP API). */
export interface UsageSummaryResponse {
  object: 'usage.summary';
  group_by: UsageGroupBy;
  from: string;
  to: string;
  key_id: string | null;
  data: Array<{
    /** The modality, the API key id, or the UTC day (`2026-12-01`). */
    group: string;
    /** With group_by=key: the key's name (null once the key is deleted). */
    key_name?: string | null;
    requests: number;
    tokens: number;
    /** Units per unit: `{tokens: 1200, seconds: 12.5, images: 2, frames: 30}`. */
    units: Partial<Record<UsageUnit, number>>;
    cost_usd: number;
  }>;
  total: { tokens: number; cost_usd: number };
}

/** Spend of the caller's tenant, for `GET /v1/usage`. */
@Injectable()
export class UsageService {
  constructor(private readonly usage: UsageRepository) {}

  /**
   * The tenant's usage in [from, to) grouped by modality, key or UTC day. `to` defaults to now,
   * `from` to 30 days before `to`; `from` must be before `to` and the span at most 366 days (400
   * naming the field). Expanded usage only: a request appears once the worker wrote its rows
   * (seconds after it ended).
   */
  async summary(principal: Principal, query: UsageQueryDto, now: Date = new Date()): Promise<UsageSummaryResponse> {
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - USAGE_DEFAULT_DAYS * DAY_MS);
    // only a given `from` can be at or after `to` (the default is 30 days before it)
    if (from.getTime() >= to.getTime()) throw new InvalidInputError('from', `from must be before to (${from.toISOString()} is not before ${to.toISOString()})`);
    if (to.getTime() - from.getTime() > USAGE_MAX_DAYS * DAY_MS) throw new InvalidInputError('to', `to must be at most ${USAGE_MAX_DAYS} days after from`);
    const rows = await this.usage.summary(principal.tenantId, { groupBy: query.group_by, from, to, ...(query.key_id ? { keyId: query.key_id } : {}) });
    const nano = rows.reduce((s, r) => s + Math.round(r.costUsd * 1e9), 0);
    return {
      object: 'usage.summary',
      group_by: query.group_by,
      from: from.toISOString(),
      to: to.toISOString(),
      key_id: query.key_id ?? null,
      data: rows.map((r) => ({
        group: r.group,
        ...(r.keyName !== undefined ? { key_name: r.keyName } : {}),
        requests: r.requests,
        tokens: r.tokens,
        units: r.units,
        cost_usd: r.costUsd,
      })),
      total: { tokens: rows.reduce((s, r) => s + r.tokens, 0), cost_usd: nano / 1e9 },
    };
  }
}
