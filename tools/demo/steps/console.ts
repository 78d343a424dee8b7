import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { call, exitOf, freePort, head, line, ok, PREFIX, REDIS_URL, start, until, type DemoContext } from '../lib';

const WEB = 'apps/console/web';
const DIST = 'dist/apps/console';

/** Newest modification time under a folder (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the SPA with Vite when there is no build or the sources are newer than it. */
async function ensureBuild(): Promise<void> {
  const index = join(DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(WEB), statSync('apps/console/vite.config.mts').mtimeMs)) return;
  line('    building the console (vite build)…');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited ${code}`))));
  });
}

/**
 * The web console (apps/console) on the demo's APIs: started as a real process, checked through its
 * proxy (the Recommender page's data, the memories of the demo user, the spend), then its URL and
 * how to sign in are printed. Returns the URL.
 */
export async function consoleStep(ctx: DemoContext): Promise<string> {
  head('Web console (a real process in front of the three APIs)');
  const { memory, gateway, recsys } = ctx.urls ?? {};
  if (!ctx.apiKey || !memory || !gateway || !recsys) throw new Error('the memory, gateway and recsys steps must run first');
  await ensureBuild();
  const port = Number(process.env['CONSOLE_PORT'] ?? 0) || (await freePort());
  const host = process.env['CONSOLE_HOST'] ?? '127.0.0.1';
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const child = start('console', 'apps/console/src/main.ts', {
    CONSOLE_PORT: String(port),
    CONSOLE_HOST: host,
    MEMORY_API_URL: memory,
    GATEWAY_URL: gateway,
    RECSYS_API_URL: recsys,
    REDIS_URL,
    REDIS_PREFIX: PREFIX,
    ...(ctx.adminToken ? { ADMIN_TOKEN: ctx.adminToken } : {}),
  });
  await Promise.race([until('console /health', async () => ((await call(base, 'GET', '/health')).status === 200 ? true : undefined)), exitOf(child, 'console')]);
  const ctr = await call(base, 'GET', '/api/recsys/v1/dashboard/ctr?bucket=hour', undefined, ctx.apiKey);
  const totals = ctr.body['totals'] as { impressions: number; clicks: number } | undefined;
  const models = await call(base, 'GET', '/api/recsys/v1/dashboard/models', undefined, ctx.apiKey);
  const versions = (models.body['versions'] as unknown[] | undefined)?.length ?? 0;
  // the recommender step spent this key's per-minute budget (the rate limit is counted in Redis across the apps): wait it out
  const memoriesPath = `/api/memory/v1/memories?user_id=${encodeURIComponent(ctx.userId ?? '')}`;
  let mems = await call(base, 'GET', memoriesPath, undefined, ctx.apiKey);
  if (mems.status === 429) {
    line("    the key is over its per-minute rate limit after the recommender's simulated traffic; waiting for the window to pass…");
    mems = await until('the rate-limit window', async () => {
      const r = await call(base, 'GET', memoriesPath, undefined, ctx.apiKey);
      return r.status === 429 ? undefined : r;
    }, 90_000);
  }
  for (const [what, r] of [['recsys-api', ctr], ['recsys-api', models], ['memory-api', mems]] as const) if (r.status !== 200) throw new Error(`the console's proxy to ${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  ok(`console ${base}/ proxies the APIs: ${totals?.impressions ?? 0} impressions and ${totals?.clicks ?? 0} clicks, ${versions} model version(s), ${String(mems.body['total'] ?? 0)} live memories of ${ctx.userId} through /api/*`);
  return base;
}

/** How to open it: the URL, the key to paste, the user, the admin token (Queues, promote / roll back). */
export function printConsoleAccess(base: string, ctx: DemoContext): void {
  line(`\n  Console: ${base}/#/recommender`);
  line(`    API key  ${ctx.apiKey}   (paste it on the Connect form; it stays in that browser tab)`);
  line(`    User id  ${ctx.userId ?? ''}   (My memories, What the assistant knows)`);
  if (ctx.adminToken) line(`    Admin token  ${ctx.adminToken}   (Queues: user admin; Recommender: promote / roll back)`);
  line(`    From another machine: ssh -L ${new URL(base).port}:127.0.0.1:${new URL(base).port} <this host>, then open the URL above.`);
}
