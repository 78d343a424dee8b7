import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@frontier/platform-prisma';
import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
import { EventRepository, ImpressionRepository, ModelVersionsRepository, type EventInsert, type ImpressionRecord } from '@frontier/recsys-data-access';
import { MODEL_INPUT_DIMS, MODEL_INPUT_LAYOUT, serializeModel, TwoTowerModel } from '@frontier/recsys-domain';

const HOUR = 3_600_000;
const ci = (estimate: number, half: number) => ({ estimate, bootstrapMean: estimate, lower: estimate - half, upper: estimate + half });
const ope = (dr: number, half: number, ess: number, warnings: string[] = []) => ({
  rows: 1_200,
  dr: ci(dr, half),
  snips: ci(dr - 0.004, half * 1.1),
  ips: ci(dr + 0.003, half * 1.6),
  dm: ci(dr - 0.01, half * 0.5),
  diagnostics: { n: 1_200, sumWeight: 1_190, meanWeight: 0.99, maxWeight: 6.2, ess, essFraction: ess / 1_200, maxWeightShare: 0.005, reliable: warnings.length === 0, warnings },
  warnings,
  reliable: warnings.length === 0,
});

/** What {@link seedDashboard} wrote, for the assertions. */
export interface DashboardSeed {
  hours: number;
  impressions: number;
  explored: number;
  clicks: number;
  versions: { v1: string; v2: string; v3: string };
}

/**
 * A tenant's recommender history for the dashboard, written through the scope's repositories (what
 * the ranking path, the event ingestion and the training loop write; driving them for real would need
 * an index build and a training run per version): `hours` hours of impressions (one in five explored)
 * with clicks on them, an item with anomaly-flagged clicks and a bot user, and three model versions —
 * v1 promoted, v2 promoted over it by the gate, v3 rejected (a low ESS) — each with OPE estimates,
 * bootstrap CIs and diagnostics shaped like the training service's.
 */
export async function seedDashboard(prisma: PrismaClient, tenantId: string, o: { hours?: number; now?: Date } = {}): Promise<DashboardSeed> {
  const hours = o.hours ?? 24;
  const now = o.now ?? new Date();
  const start = new Date(Math.floor(now.getTime() / HOUR) * HOUR - (hours - 1) * HOUR);
  const impressions = new ImpressionRepository(prisma);
  await impressions.ensurePartitions(new Date(start.getTime() - 24 * HOUR), Math.ceil(hours / 24) + 2);
  const rows: ImpressionRecord[] = [];
  const events: EventInsert[] = [];
  let clicks = 0;
  for (let h = 0; h < hours; h++) {
    const n = 20 + ((h * 7) % 11);
    const requestId = randomUUID();
    const shownAt = new Date(start.getTime() + h * HOUR + 60_000);
    for (let p = 0; p < n; p++) {
      const explored = p % 5 === 0;
      rows.push({ requestId, position: p, tenantId, userId: `u${p % 6}`, itemId: `item-${p % 9}`, surface: 'home', modelVersion: 'v2', policy: 'epsilon-greedy', propensity: explored ? 0.04 : 0.8, score: 1 - p / n, explored, shownAt });
    }
    const c = 1 + (h % 4);
    for (let k = 0; k < c; k++) {
      events.push({ eventId: `click-${h}-${k}`, userId: `u${k}`, itemId: `item-${k}`, category: 'music', type: 'click', watchSeconds: null, surface: 'home', requestId, position: k, propensity: 0.8, at: new Date(shownAt.getTime() + 30_000), flagged: false, flagReason: null });
    }
    clicks += c;
  }
  const recent = new Date(start.getTime() + (hours - 1) * HOUR + 120_000);
  for (let k = 0; k < 5; k++) {
    events.push({ eventId: `spike-${k}`, userId: `u${k}`, itemId: 'item-spiky', category: 'music', type: 'click', watchSeconds: null, surface: 'home', requestId: null, position: null, propensity: null, at: recent, flagged: true, flagReason: 'ctr spike: 12× the hour before' });
    events.push({ eventId: `bot-${k}`, userId: 'scraper-9', itemId: `item-${k}`, category: 'music', type: 'click', watchSeconds: null, surface: 'home', requestId: null, position: null, propensity: null, at: recent, flagged: true, flagReason: 'bot: 40 events in 10 s' });
  }
  await impressions.insertMany(rows);
  await new EventRepository(prisma).insertBatch(tenantId, events);

  const models = new ModelVersionsRepository(prisma);
  const blob = (seed: number) => serializeModel(new TwoTowerModel({ ...MODEL_INPUT_DIMS }, seed), { layout: MODEL_INPUT_LAYOUT });
  const kind = RECSYS_MODEL_KIND;
  const gate = (decision: string, reasons: string[]) => ({ decision, reasons, checks: [], at: now.toISOString() });
  const v1 = await models.register({ tenantId, kind, weights: blob(1), metrics: { training: { examples: 9_000 } } });
  await models.promote(v1.id, { reason: 'gate: first model', metricsPatch: { ope: { logged: 0.061, candidate: ope(0.064, 0.006, 820) }, gate: gate('promoted', []) } });
  const v2 = await models.register({ tenantId, kind, weights: blob(2), metrics: { training: { examples: 12_000 } }, parentId: v1.id });
  await models.promote(v2.id, { reason: 'gate: head run', metricsPatch: { ope: { logged: 0.062, candidate: ope(0.071, 0.005, 910) }, gate: gate('promoted', []) } });
  const v3 = await models.register({ tenantId, kind, weights: blob(3), metrics: { training: { examples: 12_500 } }, parentId: v2.id });
  await models.reject(v3.id, { ope: { logged: 0.062, candidate: ope(0.058, 0.02, 64, ['ESS 64 < 100']) }, gate: gate('rejected', ['ESS 64 < 100: the estimate is unreliable']) });
  const explored = rows.filter((r) => r.explored).length;
  return { hours, impressions: rows.length, explored, clicks, versions: { v1: v1.id, v2: v2.id, v3: v3.id } };
}
