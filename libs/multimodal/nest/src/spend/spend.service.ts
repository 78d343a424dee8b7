import { Inject, Injectable } from '@nestjs/common';
import { REJECTION_REASONS, SpendRepository, type RejectionReason } from '@frontier/multimodal-data-access';
import type { Principal } from '@frontier/platform-nest';
import { MULTIMODAL_CONFIG, type MultimodalConfig } from '../config';
import type { KeySpendQueryDto } from './dto/key-spend-query.dto';

const DAY_MS = 86_400_000;

/** A key's limits in the API's words (0: unlimited). */
export interface KeyLimitsView {
  rpm: number;
  tpm: number;
  daily_budget_usd: number;
  monthly_budget_usd: number;
}

/** The wire shape of `GET /v1/usage/keys`. */
export interface KeySpendResponse {
  object: 'list';
  /** The UTC day and month the spend is counted for. */
  day: string;
  month: string;
  /** The gateway's limits for a key without overrides. */
  defaults: KeyLimitsView;
  /** The refused requests cover these UTC days (oldest first). */
  days: string[];
  data: Array<{
    key_id: string;
    name: string;
    prefix: string;
    revoked: boolean;
    /** What applies to the key: its override, else the default. */
    limits: KeyLimitsView;
    /** The limits the key overrides (the others are the defaults). */
    overridden: Array<keyof KeyLimitsView>;
    spend: { today_usd: number; month_usd: number; daily_remaining_usd: number | null; monthly_remaining_usd: number | null };
    rejected: { total: number; by_reason: Partial<Record<RejectionReason, number>>; by_day: Array<{ day: string; reason: RejectionReason; count: number }> };
  }>;
  reasons: readonly RejectionReason[];
}

const round = (usd: number) => Math.round(usd * 1e9) / 1e9;

/** Per key of the caller's tenant: limits, spend today and this month, requests refused by reason and day (the console's Spend page). */
@Injectable()
export class SpendService {
  constructor(
    private readonly repo: SpendRepository,
    @Inject(MULTIMODAL_CONFIG) private readonly config: MultimodalConfig,
  ) {}

  async keys(principal: Principal, query: KeySpendQueryDto, now: Date = new Date()): Promise<KeySpendResponse> {
    const daysBack = query.days ?? 7;
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const days = Array.from({ length: daysBack }, (_, i) => new Date(dayStart.getTime() - (daysBack - 1 - i) * DAY_MS).toISOString().slice(0, 10));
    const [keys, spend, refused] = await Promise.all([this.repo.keys(principal.tenantId), this.repo.spendByKey(principal.tenantId, dayStart, monthStart), this.repo.rejections(principal.tenantId, days[0])]);
    const defaults: KeyLimitsView = { rpm: this.config.rpm ?? 0, tpm: this.config.tpm ?? 0, daily_budget_usd: this.config.dailyBudgetUsd ?? 0, monthly_budget_usd: this.config.monthlyBudgetUsd ?? 0 };
    return {
      object: 'list',
      day: days[days.length - 1],
      month: monthStart.toISOString().slice(0, 7),
      defaults,
      days,
      reasons: REJECTION_REASONS,
      data: keys.map((k) => {
        const o = k.overrides;
        const own: Partial<KeyLimitsView> = {
          ...(o.rpm !== null ? { rpm: o.rpm } : {}),
          ...(o.tpm !== null ? { tpm: o.tpm } : {}),
          ...(o.dailyBudgetUsd !== null ? { daily_budget_usd: o.dailyBudgetUsd } : {}),
          ...(o.monthlyBudgetUsd !== null ? { monthly_budget_usd: o.monthlyBudgetUsd } : {}),
        };
        const limits = { ...defaults, ...own };
        const s = spend.get(k.keyId) ?? { dayUsd: 0, monthUsd: 0 };
        const mine = refused.filter((r) => r.keyId === k.keyId);
        const byReason: Partial<Record<RejectionReason, number>> = {};
        for (const r of mine) byReason[r.reason] = (byReason[r.reason] ?? 0) + r.count;
        return {
          key_id: k.keyId,
          name: k.name,
          prefix: k.prefix,
          revoked: k.revoked,
          limits,
          overridden: Object.keys(own) as Array<keyof KeyLimitsView>,
          spend: {
            today_usd: round(s.dayUsd),
            month_usd: round(s.monthUsd),
            daily_remaining_usd: limits.daily_budget_usd > 0 ? round(Math.max(0, limits.daily_budget_usd - s.dayUsd)) : null,
            monthly_remaining_usd: limits.monthly_budget_usd > 0 ? round(Math.max(0, limits.monthly_budget_usd - s.monthUsd)) : null,
          },
          rejected: { total: mine.reduce((n, r) => n + r.count, 0), by_reason: byReason, by_day: mine.map((r) => ({ day: r.day, reason: r.reason, count: r.count })) },
        };
      }),
    };
  }
}
