// A minimal worker started by bootstrapWorker exactly as apps/*-worker/src/main.ts do, for shutdown.spec.ts.
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';
import { PrismaService } from '@frontier/platform-prisma';
import { OnJob, QueueModule } from '@frontier/platform-queue';
import { bootstrapWorker } from '../bootstrap';
import { PlatformModule } from '../platform.module';

const q = queueOf('shutdown-w');
export const SlowJobs = { slow: q.job<{ ms: number; name: string }>('shutdown-w.slow', { options: { attempts: 1 } }) };

@Injectable()
class SlowHandler {
  constructor(private readonly prisma: PrismaService) {}

  @OnJob(SlowJobs.slow)
  async slow(data: { ms: number; name: string }): Promise<void> {
    await new Promise((r) => setTimeout(r, data.ms));
    await this.prisma.tenant.create({ data: { name: data.name } });
  }
}

@Module({
  imports: [
    PlatformModule.forWorker({ service: 'shutdown-worker', databaseUrl: process.env['DATABASE_URL'] ?? '', redisUrl: process.env['REDIS_URL'] ?? '', redisPrefix: process.env['REDIS_PREFIX'] ?? 'shutdown' }),
    QueueModule.forWorker({ catalogs: [defineJobCatalog('shutdown-w', SlowJobs)], concurrency: 4 }),
  ],
  providers: [SlowHandler],
})
class WorkerModule {}

bootstrapWorker(WorkerModule, { service: 'shutdown-worker', shutdownTimeoutMs: 8_000 }).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
