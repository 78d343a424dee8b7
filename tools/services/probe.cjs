// Exit 0 when Postgres (SELECT 1) and/or Redis (PING) answer at the given URLs.
//   node probe.cjs pg <url> | node probe.cjs redis <url>
const [kind, url] = process.argv.slice(2);
const timeout = setTimeout(() => process.exit(3), 4000);
async function main() {
  if (kind === 'pg') {
    const { Client } = require('pg');
    const u = new URL(url);
    u.pathname = '/postgres';
    const c = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
    await c.connect();
    const r = await c.query('SHOW server_version');
    console.log(r.rows[0].server_version);
    await c.end();
  } else if (kind === 'redis') {
    const { Redis } = require('ioredis');
    const r = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.connect();
    await r.ping();
    const info = await r.info('server');
    console.log((/redis_version:(\S+)/.exec(info) || [])[1]);
    r.disconnect();
  } else throw new Error(`unknown kind ${kind}`);
}
main().then(() => { clearTimeout(timeout); process.exit(0); }, () => process.exit(1));
