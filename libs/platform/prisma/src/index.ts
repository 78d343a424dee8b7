export { PrismaService, PrismaOptions } from './prisma.service';
export { PrismaModule } from './prisma.module';
export {
  applyMigrations,
  ensureDatabase,
  pendingMigrations,
  readMigrations,
  migrationsFingerprint,
  MigrationError,
  MIGRATIONS_DIR,
  type MigrationFile,
  type MigrationReport,
} from './migrations';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type { Tenant, ApiKey, Memory, MemoryTurn, MemorySession, MemoryEvent, Biography } from './generated/prisma/client';
export { createTestDatabase, createEmptyDatabase, baseDatabaseUrl, type TestDatabase } from './testing/test-database';
