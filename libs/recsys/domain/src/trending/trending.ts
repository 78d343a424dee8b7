/** Click and impression counts over one window. */
export interface WindowCounts {
  readonly clicks: number;
  readonly impressions: number;
}

/** Beta-smoothed CTR: (clicks + m·p₀) / (impressions + m), prior CTR p₀ with weight m impressions. */
export function smoothedCtr(c: WindowCounts, priorCtr = 0.02, priorImpressions = 100): number {
  return (c.clicks + priorCtr * priorImpressions) / (c.impressions + priorImpressions);
}

export interface TrendingOptions {
  /** Boost per unit of relative lift above the baseline. Default 0.5. */
  readonly strength?: number;
  /** Cap of the boost. Default 1 (a score can at most double). */
  readonly maxBoost?: number;
  /** Impressions in the last hour before any boost. Default 50. */
  readonly minImpressions?: number;
  readonly priorCtr?: number;
}

/**
 * 1-hour CTR velocity boost, the ranker-bypassing trending signal of §127.2: with smoothed CTRs,
 * lift = ctr_1h / ctr_baseline − 1 (baseline: the 7-day or 24-hour window) and
 * boost = min(maxBoost, strength · max(0, lift)); apply as score · (1 + boost).
 */
export function trendingBoost(lastHour: WindowCounts, baseline: WindowCounts, options: TrendingOptions = {}): number {
  if (lastHour.impressions < (options.minImpressions ?? 50)) return 0;
  const prior = options.priorCtr ?? 0.02;
  const lift = smoothedCtr(lastHour, prior) / smoothedCtr(baseline, prior) - 1;
  return Math.min(options.maxBoost ?? 1, (options.strength ?? 0.5) * Math.max(0, lift));
}

export interface CtrSpikeOptions {
  /** Flag when ctr_1h > ratio · ctr_7d. Default 5. */
  readonly ratio?: number;
  /** Minimum impressions in the last hour (the guard against 1-of-2 noise). Default 200. */
  readonly minImpressions?: number;
  /** Prior for the 7-day CTR so a new item's 0/0 baseline is not 0. */
  readonly priorCtr?: number;
}

export interface CtrSpikeVerdict {
  readonly flagged: boolean;
  readonly ctr1h: number;
  readonly ctr7d: number;
  readonly ratio: number;
}

/**
 * Feedback-loop poisoning guard: flag an item for review when its 1-hour CTR exceeds 5× its 7-day
 * CTR with at least `minImpressions` impressions in the hour. The 7-day CTR is smoothed towards
 * the prior; the 1-hour CTR is raw (the impressions guard keeps it meaningful).
 */
export function detectCtrSpike(lastHour: WindowCounts, sevenDays: WindowCounts, options: CtrSpikeOptions = {}): CtrSpikeVerdict {
  const ratioLimit = options.ratio ?? 5;
  const ctr1h = lastHour.impressions > 0 ? lastHour.clicks / lastHour.impressions : 0;
  const ctr7d = smoothedCtr(sevenDays, options.priorCtr ?? 0.02);
  const ratio = ctr1h / ctr7d;
  return { flagged: lastHour.impressions >= (options.minImpressions ?? 200) && ratio > ratioLimit, ctr1h, ctr7d, ratio };
}

export interface SessionVelocityOptions {
  /** Sliding window. Default 60 s. */
  readonly windowMs?: number;
  /** Events of any kind in the window. Default 120. */
  readonly maxEventsPerWindow?: number;
  /** Clicks in the window. Default 30. */
  readonly maxClicksPerWindow?: number;
  /** Clicks closer than this to the previous click count as "inhumanly fast". Default 150 ms. */
  readonly minClickGapMs?: number;
  /** How many inhumanly fast clicks flag the session. Default 5. */
  readonly maxFastClicks?: number;
}

export interface VelocityVerdict {
  readonly bot: boolean;
  readonly reasons: readonly string[];
}

interface SessionState {
  events: number[];
  clicks: number[];
  fastClicks: number;
  lastClick: number;
  reasons: string[];
}

/**
 * Session-velocity bot heuristic: too many events or clicks in a sliding window, or repeated
 * clicks faster than a human can click. A flagged session stays flagged (its events are kept but
 * excluded from training). Events must arrive in time order per session.
 */
export class SessionVelocityDetector {
  private readonly sessions = new Map<string, SessionState>();
  private readonly o: Required<SessionVelocityOptions>;

  constructor(options: SessionVelocityOptions = {}) {
    this.o = { windowMs: 60_000, maxEventsPerWindow: 120, maxClicksPerWindow: 30, minClickGapMs: 150, maxFastClicks: 5, ...options };
  }

  observe(sessionId: string, timestampMs: number, kind: 'impression' | 'click' | 'skip' | 'watch' | 'purchase'): VelocityVerdict {
    let s = this.sessions.get(sessionId);
    if (!s) {
      s = { events: [], clicks: [], fastClicks: 0, lastClick: -Infinity, reasons: [] };
      this.sessions.set(sessionId, s);
    }
    const from = timestampMs - this.o.windowMs;
    s.events.push(timestampMs);
    while (s.events.length && s.events[0] <= from) s.events.shift();
    if (kind === 'click') {
      if (timestampMs - s.lastClick < this.o.minClickGapMs) s.fastClicks++;
      s.lastClick = timestampMs;
      s.clicks.push(timestampMs);
      while (s.clicks.length && s.clicks[0] <= from) s.clicks.shift();
    }
    const add = (reason: string) => {
      if (!s.reasons.includes(reason)) s.reasons.push(reason);
    };
    if (s.events.length > this.o.maxEventsPerWindow) add(`more than ${this.o.maxEventsPerWindow} events in ${this.o.windowMs} ms`);
    if (s.clicks.length > this.o.maxClicksPerWindow) add(`more than ${this.o.maxClicksPerWindow} clicks in ${this.o.windowMs} ms`);
    if (s.fastClicks >= this.o.maxFastClicks) add(`${s.fastClicks} clicks under ${this.o.minClickGapMs} ms apart`);
    return { bot: s.reasons.length > 0, reasons: [...s.reasons] };
  }

  /** Drops a finished session's state. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  get trackedSessions(): number {
    return this.sessions.size;
  }
}
