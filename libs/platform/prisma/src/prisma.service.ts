import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

/** Connection settings for {@link PrismaService}; apps provide it from their validated env. */
export abstract class PrismaOptions {
  abstract readonly databaseUrl: string;
  readonly poolSize?: number;
}

/** The generated Prisma client on the `pg` driver adapter, tied to the Nest lifecycle. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(PrismaService.name);

  constructor(options: PrismaOptions) {
    super({ adapter: new PrismaPg({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 }) });
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
