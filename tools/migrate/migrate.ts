/**
 * Applies Frontier's SQL migrations (libs/platform/prisma/prisma/migrations) without Prisma's
 * schema engine, keeping `_prisma_migrations` so `prisma migrate deploy` agrees where it runs.
 *
 *   npm run migrate                 apply pending migrations to $DATABASE_URL (creating the db)
 *   npm run migrate -- --check      exit 1 if any migration is pending (for CI / deploy gates)
 *   npm run migrate -- --status     list applied and pending migrations
 *   npm run migrate -- --partitions-ahead 30
 *                                   after migrating, day partitions of every day-partitioned log for
 *                                   today .. today + N - 1 (UTC; default 14, 0 skips)
 */
import { applyMigrations, createPartitionsAhead, ensureDatabase, partitionsAheadArg, pendingMigrations, readMigrations } from '@frontier/platform-prisma';

async function main(): Promise<number> {
  const url = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/frontier';
  const safe = url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
  const argv = process.argv.slice(2);
  const args = new Set(argv);
  const ahead = partitionsAheadArg(argv);
  if (args.has('--check') || args.has('--status')) {
    const pending = await pendingMigrations(url);
    if (args.has('--status')) {
      for (const m of readMigrations()) console.log(`${pending.includes(m.name) ? 'pending ' : 'applied '} ${m.name}`);
    }
    if (args.has('--check') && pending.length) {
      console.error(`migrate: ${pending.length} pending migration(s) on ${safe}: ${pending.join(', ')}`);
      return 1;
    }
    return 0;
  }
  if (await ensureDatabase(url)) console.log(`migrate: created database ${new URL(url).pathname.slice(1)}`);
  const report = await applyMigrations(url);
  console.log(`migrate: ${safe}: applied ${report.applied.length} (${report.applied.join(', ') || 'none'}), ${report.alreadyApplied.length} already applied`);
  if (ahead > 0) {
    const created = await createPartitionsAhead(url, ahead);
    const made = Object.entries(created).map(([t, n]) => `${t} +${n}`).join(', ');
    console.log(`migrate: day partitions for the next ${ahead} day(s): ${made || 'no day-partitioned tables'}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`migrate: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
