import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { BillingEventPayload } from '@frontier/multimodal-contracts';
import { asUnavailable } from '@frontier/platform-util';
import type { BillingPort } from './ports';

/**
 * The billing port with a spool: a request's billing event is stored in Postgres when it ends; if
 * Postgres is unreachable at that moment the event waits here (bounded) and is retried every
 * `retryMs` until stored — a short outage loses no bill. On shutdown one last attempt is made and
 * anything still unstored is logged in full (the one place it survives a crash is the log).
 */
export class SpooledBilling implements BillingPort, OnApplicationShutdown {
  private readonly log = new Logger('Billing');
  private readonly spool: BillingEventPayload[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: (event: BillingEventPayload) => Promise<void>,
    private readonly retryMs = 5_000,
    private readonly max = 10_000,
  ) {}

  get pending(): number {
    return this.spool.length;
  }

  async record(event: BillingEventPayload): Promise<void> {
    try {
      await this.store(event);
    } catch (e) {
      if (!asUnavailable(e)) throw e;
      if (this.spool.length >= this.max) {
        this.log.error(`billing spool full (${this.max}); event not kept: ${JSON.stringify(event)}`);
        return;
      }
      this.spool.push(event);
      this.log.warn(`billing event ${event.requestId} spooled (${this.spool.length} waiting): ${e instanceof Error ? e.message : String(e)}`);
      this.schedule();
    }
  }

  /** Stores what waits, in order; stops at the first outage. */
  async flush(): Promise<void> {
    while (this.spool.length) {
      const event = this.spool[0] as BillingEventPayload;
      try {
        await this.store(event);
      } catch (e) {
        if (!asUnavailable(e)) this.log.error(`billing event ${event.requestId} refused, dropped: ${e instanceof Error ? e.message : String(e)}`);
        else return this.schedule();
      }
      this.spool.shift();
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.retryMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.spool.length) return;
    await this.flush().catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
    for (const e of this.spool) this.log.error(`billing event not stored at shutdown: ${JSON.stringify(e)}`);
  }
}
