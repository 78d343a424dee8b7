import { Injectable, Logger } from '@nestjs/common';
import { JobName, type JobOf } from '@frontier/platform-jobs';
import { TenancyService } from '@frontier/platform-nest';
import { OnJob } from '@frontier/platform-queue';

/** Handlers of the `platform` queue: each calls one platform service method. */
@Injectable()
export class PlatformHandlers {
  private readonly log = new Logger(PlatformHandlers.name);

  constructor(private readonly tenancy: TenancyService) {}

  @OnJob(JobName.ApiKeyUsed)
  async apiKeyUsed(data: JobOf<JobName.ApiKeyUsed>): Promise<void> {
    await this.tenancy.touch(data.keyId, new Date(data.usedAt));
  }

  @OnJob(JobName.Ping)
  async ping(data: JobOf<JobName.Ping>): Promise<{ pong: string; latencyMs: number }> {
    const latencyMs = Date.now() - Date.parse(data.sentAt);
    this.log.log(`ping "${data.message}" after ${latencyMs} ms`);
    return { pong: data.message, latencyMs };
  }
}
