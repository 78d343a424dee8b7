import { Global, Module } from '@nestjs/common';

/**
 * The recommender wired for recsys-api and recsys-worker (global: registered once per app, the
 * scope's other modules inject its services). Needs `PlatformModule` (Prisma, Redis, JobQueue).
 */
@Global()
@Module({})
export class RecsysModule {}
