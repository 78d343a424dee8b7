import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RECSYS_EVENTS_STREAM, RecsysEventGroups, type RecsysBatchStored } from '@frontier/recsys-contracts';
import type { BatchStreamService } from '@frontier/recsys-nest';
import type { Consumer, EventBus } from '@frontier/platform-events';

/**
 * recsys-worker's consumer groups on `recsys-events`: `features` (the batch into the users' window
 * features, `concurrency` at once) and `training` (the tenant's new-data mark). Started after
 * bootstrap; while the broker is unreachable they are retried every few seconds (the reconciler
 * features the batches meanwhile, from Postgres). The bus drains them at shutdown.
 */
export class RecsysEventConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RecsysEventConsumers.name);
  private readonly consumers: Consumer[] = [];
  private stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly stream: BatchStreamService,
    private readonly concurrency: number,
    private readonly retryMs = 5_000,
  ) {}

  onApplicationBootstrap(): void {
    void this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
  }

  private async start(): Promise<void> {
    const groups: Array<[string, (m: RecsysBatchStored) => Promise<unknown>, number]> = [
      [RecsysEventGroups.features, (m) => this.stream.feature(m), this.concurrency],
      [RecsysEventGroups.training, (m) => this.stream.noteTrainingData(m), 1],
    ];
    for (const [group, handle, concurrency] of groups) {
      while (!this.stopped) {
        try {
          this.consumers.push(await this.bus.consume<RecsysBatchStored>(RECSYS_EVENTS_STREAM, group, async (e) => void (await handle(e.payload)), { concurrency }));
          break;
        } catch (e) {
          if (this.stopped) return;
          this.log.warn(`${RECSYS_EVENTS_STREAM}/${group}: cannot start (${e instanceof Error ? e.message : String(e)}); trying again in ${this.retryMs} ms`);
          await new Promise((r) => setTimeout(r, this.retryMs));
        }
      }
    }
  }
}
