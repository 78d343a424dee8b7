export { PrismaService, PrismaOptions } from './prisma.service';
export { PrismaModule } from './prisma.module';
export {
  applyMigrations,
  ensureDatabase,
  pendingMigrations,
  readMigrations,
  migrationsFingerprint,
  createPartitionsAhead,
  MigrationError,
  MIGRATIONS_DIR,
  type MigrationFile,
  type MigrationReport,
} from './migrations';
export {
  DayPartitions,
  describeMaintenance,
  ensurePartitionsAhead,
  maintainDayPartitions,
  partitionsAheadArg,
  retentionCutoff,
  DEFAULT_PARTITIONS_AHEAD,
  type PartitionMaintenance,
  type RetentionReport,
  type SqlQuery,
} from './partitions';
// the generated client of the whole schema folder (every scope's models); this file names none
export * from './generated/prisma/client';
export { createTestDatabase, createEmptyDatabase, baseDatabaseUrl, type TestDatabase } from './testing/test-database';
