import { Client } from 'pg';
import { createRedis } from '@frontier/platform-redis';
import { pendingMigrations, readMigrations } from '@frontier/platform-prisma';
import { DATABASE_URL, head, line, ok, REDIS_URL } from '../lib';

/** Services reachable, migrations applied, tables present. */
export async function services(): Promise<void> {
  head('Services');
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  const version = (await pg.query('SHOW server_version')).rows[0].server_version as string;
  ok(`Postgres ${version} at ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
  const redis = createRedis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const rv = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  ok(`Redis ${rv} at ${REDIS_URL} (PING → ${await redis.ping()})`);
  redis.disconnect();

  head('Migrations and tables');
  const pending = await pendingMigrations(DATABASE_URL);
  for (const m of readMigrations()) line(`  ${pending.includes(m.name) ? '… pending' : '✔ applied'}  ${m.name}`);
  const tables = await pg.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  for (const { table_name } of tables.rows) {
    const n = (await pg.query(`SELECT count(*)::int AS n FROM "${table_name}"`)).rows[0].n as number;
    line(`  table ${table_name.padEnd(24)} ${n} row(s)`);
  }
  await pg.end();
}
