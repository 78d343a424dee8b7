import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { SpendRepository, type RejectionCount, type RejectionReason } from '@frontier/multimodal-data-access';
import { RateLimitedError } from '../limits/rate-limited.error';

export const REJECTIONS_FLUSH_MS = Symbol('REJECTIONS_FLUSH_MS');
/** Distinct (key, day, reason) counters held in memory at most (Postgres unreachable for long: newer ones are dropped, logged). */
const MAX_PENDING = 10_000;

/**
 * Which counter a refused request goes to, from the error and the answer it got (status, OpenAI
 * `code`); null for what is not a refusal of the caller's request (5xx: the gateway's own failure).
 */
export function rejectionReason(exception: unknown, status: number, code: string | null): RejectionReason | null {
  if (exception instanceof RateLimitedError) {
    if (exception.kind === 'budget') return exception.period === 'month' ? 'budget_monthly' : 'budget_daily';
    return exception.kind === 'requests' ? 'rpm' : 'tpm';
  }
  if (status < 400 || status >= 500 || status === 401) return null;
  if (status === 413) return 'too_large';
  if (status === 429) return 'busy';
  if (code === 'content_policy_violation') return 'safety';
  if (code === 'context_length_exceeded') return 'context_length';
  return 'invalid';
}

/**
 * Counts refused requests per key, UTC day and reason: {@link record} only bumps an in-process
 * counter (no I/O on the refusal's path, nothing of the request kept); every `flushMs` (1 s) the
 * counters go to Postgres in one statement, and at shutdown. A failed write keeps them for the next
 * flush. A flood of refusals is one upsert a second per key and reason, whatever its rate.
 */
@Injectable()
export class RejectionsService implements OnApplicationShutdown {
  private readonly log = new Logger('Rejections');
  private pending = new Map<string, RejectionCount>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly repo: SpendRepository,
    @Optional() @Inject(REJECTIONS_FLUSH_MS) private readonly flushMs: number = 1_000,
  ) {}

  /** Counts one refusal of `keyId` (never throws, never waits). */
  record(who: { tenantId: string; keyId: string }, reason: RejectionReason, at = new Date()): void {
    const day = at.toISOString().slice(0, 10);
    const k = `${who.keyId}|${day}|${reason}`;
    const cur = this.pending.get(k);
    if (cur) {
      cur.count++;
      if (at > cur.lastAt) cur.lastAt = at;
    } else if (this.pending.size < MAX_PENDING) this.pending.set(k, { tenantId: who.tenantId, keyId: who.keyId, day, reason, count: 1, lastAt: at });
    else this.log.warn(`refusal of key ${who.keyId} (${reason}) not counted: ${MAX_PENDING} counters wait for Postgres`);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes the counters now (tests, shutdown); a failure keeps them for the next flush. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing;
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.repo
      .addRejections([...batch.values()])
      .catch((e: unknown) => {
        this.log.warn(`${batch.size} refusal counters not written (${e instanceof Error ? e.message : String(e)}); kept for the next flush`);
        for (const [k, c] of batch) {
          const cur = this.pending.get(k);
          if (cur) {
            cur.count += c.count;
            if (c.lastAt > cur.lastAt) cur.lastAt = c.lastAt;
          } else if (this.pending.size < MAX_PENDING) this.pending.set(k, c);
        }
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), this.flushMs * 5);
          this.timer.unref();
        }
      })
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
