// A minimal HTTP app started by bootstrapHttp exactly as apps/*/main.ts do, for shutdown.spec.ts
// (run as a child process: node -r @swc-node/register <this file>; env DATABASE_URL, REDIS_URL, REDIS_PREFIX).
import 'reflect-metadata';
import { Controller, Get, Module, Post, Query } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { PrismaService } from '@frontier/platform-prisma';
import { Public } from '../auth/public.decorator';
import { bootstrapHttp } from '../bootstrap';
import { PlatformModule } from '../platform.module';

let arrived = 0;

@Controller('t')
class SlowController {
  constructor(private readonly prisma: PrismaService) {}

  /** Holds a pooled connection for `ms`, then writes a tenant and its key (a foreign key, like a session post). */
  @Public()
  @Post('slow')
  async slow(@Query('ms') ms = '500') {
    arrived++;
    await this.prisma.$executeRawUnsafe('SELECT pg_sleep($1)', Number(ms) / 1000);
    const tenant = await this.prisma.tenant.create({ data: { name: `slow-${process.hrtime.bigint()}-${Math.random()}` } });
    await this.prisma.apiKey.create({ data: { tenantId: tenant.id, name: 'k', scopes: [], prefix: randomBytes(6).toString('hex'), secretHash: 'x' } });
    return { id: tenant.id };
  }

  @Public()
  @Get('arrived')
  count() {
    return { arrived };
  }
}

@Module({
  imports: [
    PlatformModule.forHttp({
      service: 'shutdown-fixture',
      databaseUrl: process.env['DATABASE_URL'] ?? '',
      redisUrl: process.env['REDIS_URL'] ?? '',
      redisPrefix: process.env['REDIS_PREFIX'] ?? 'shutdown',
      rateLimit: { perKey: 0, perIp: 0 },
      databasePoolSize: 40, // every request of the test holds a connection at once
    }),
  ],
  controllers: [SlowController],
})
class AppModule {}

bootstrapHttp(AppModule, { service: 'shutdown-fixture', port: 0, host: '127.0.0.1', shutdownTimeoutMs: Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 5_000) }).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
