import { Injectable, Logger } from '@nestjs/common';
import type { JobOf } from '@frontier/platform-jobs';
import { PlatformJobs } from '@frontier/platform-contracts';
import { TenancyService } from '@frontier/platform-nest';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `platform` queue: each calls one platform service method. */
@Injectable()
export class PlatformHandlers {
  private readonly log = new Logger(PlatformHandlers.name);

  constructor(private readonly tenancy: TenancyService) {}

  @OnJob(PlatformJobs.apiKeyUsed)
  async apiKeyUsed(data: JobOf<typeof PlatformJobs.apiKeyUsed>): Promise<void> {
    await this.tenancy.touch(data.keyId, new Date(data.usedAt));
  }

  @OnJob(PlatformJobs.ping)
  async ping(data: JobOf<typeof PlatformJobs.ping>): Promise<{ pong: string; latencyMs: number }> {
    const latencyMs = Date.now() - Date.parse(data.sentAt);
    this.log.log(`ping "${data.message}" after ${latencyMs} ms`);
    return { pong: data.message, latencyMs };
  }
}
