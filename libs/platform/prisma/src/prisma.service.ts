import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

/** Connection settings for {@link PrismaService}; apps provide it from their validated env. */
export abstract class PrismaOptions {
  abstract readonly databaseUrl: string;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /**
   * How long a query may wait to open a connection or for a free one in the pool before it fails
   * (a connection error the HTTP layer answers with 503); default 2 s.
   */
  readonly connectTimeoutMs?: number;
}

/** The generated Prisma client on the `pg` driver adapter, tied to the Nest lifecycle. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(PrismaService.name);

  constructor(options: PrismaOptions) {
    super({
      adapter: new PrismaPg({
        connectionString: options.databaseUrl,
        max: options.poolSize ?? 10,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
        idleTimeoutMillis: 30_000,
      }),
      // plain messages: the default format reads the caller's source for every error (~1 s the first time)
      errorFormat: 'minimal',
    });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
    this.log.log('connected to Postgres');
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }

  /** Round trip to the database, for readiness probes. */
  async ping(): Promise<void> {
    await this.$queryRawUnsafe('SELECT 1');
  }
}
