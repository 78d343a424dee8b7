import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule as RecsysApiModule } from '../../recsys-api/src/app.module';
import { RecsysApiEnv } from '../../recsys-api/src/env';
import { seedDashboard, type DashboardSeed } from '../../recsys-api/src/testing/dashboard.fixture';
import { createConsoleApp } from './console.app';
import { ConsoleEnv } from './env';
import { auditPage, collectErrors, launchChromium } from './testing/browser';

const url = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
const ADMIN_TOKEN = 'recommender-admin-token-0123456789';

describe('console Recommender page in Debian Chromium (playwright-core) against recsys-api on loopback (real Postgres + Redis; the history seeded through the recommender repositories)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let recsys: INestApplication;
  let console_: INestApplication;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let key: string;
  let seed: DashboardSeed;
  const live = async () => ((await (await fetch(`${url(recsys)}/v1/dashboard/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { live: { version: number } | null }).live?.version;

  beforeAll(async () => {
    browser = await launchChromium();
    db = await createTestDatabase('console_recsys');
    redis = await createTestRedis('consolerec');
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    recsys = await createHttpApp(RecsysApiModule.register(loadEnv(RecsysApiEnv, { ...base, ADMIN_TOKEN, RECSYS_MODEL_POLL_MS: '60000' }), {}), { service: 'recsys-api', logger: false });
    await recsys.listen(0, '127.0.0.1');
    const tenancy = recsys.get(TenancyService);
    const tenant = await tenancy.createTenant('acme-recommender');
    key = (await tenancy.issueKey(tenant.id, 'console', ['recsys:read'])).key;
    seed = await seedDashboard(recsys.get(PrismaService), tenant.id, { hours: 40 });
    console_ = await createConsoleApp(loadEnv(ConsoleEnv, { MEMORY_API_URL: 'http://127.0.0.1:9', GATEWAY_URL: 'http://127.0.0.1:9', RECSYS_API_URL: url(recsys), REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix }), { logger: false });
    await console_.listen(0, '127.0.0.1');
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = collectErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await console_?.close();
    await recsys?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('charts the seeded CTR and exploration per hour, lists the flagged item and the bot, plots each version’s DR estimate with its CI; axe-clean at 1280 and 390 px', async () => {
    await page.goto(`${url(console_)}/#/recommender`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.locator('svg[data-chart="interval"] circle').first().waitFor();
    // CTR: one bar per hour with impressions (40 seeded within the 48-hour window)
    expect(await page.locator('section[aria-labelledby="ctr-h"] rect[data-series="CTR"]').count()).toBe(seed.hours);
    const stacks = await page.locator('section[aria-labelledby="exp-h"] rect[data-series]').evaluateAll((rs) => [...new Set(rs.map((r) => r.getAttribute('data-series')))].sort());
    expect(stacks).toEqual(['explored', 'model']);
    await expect(page.getByRole('status').first().textContent()).resolves.toMatch(new RegExp(`${seed.clicks} clicks on ${seed.impressions.toLocaleString('en')} impressions`));
    await expect(page.getByRole('table', { name: /Items with flagged events/ }).textContent()).resolves.toMatch(/item-spiky[\s\S]*ctr spike/);
    await expect(page.getByRole('table', { name: /Users flagged as bots/ }).textContent()).resolves.toMatch(/scraper-9[\s\S]*bot: 40 events/);
    expect(await page.locator('svg[data-chart="interval"] g[data-row]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-row')))).toEqual(['v1 retired', 'v2 live', 'v3 rejected']);
    await expect(page.getByRole('table', { name: 'Model versions, newest first' }).textContent()).resolves.toMatch(/v3rejected0\.0580 \[0\.0380, 0\.0780\][\s\S]*64ESS 64 < 100/);
    expect(await auditPage(page, 'recommender')).toEqual({ violations: [], overflowing: [] });
  }, 90_000);

  it('rolls back and promotes with the admin token, after confirmation; without the token it asks for it', async () => {
    await page.getByRole('button', { name: 'Roll back v2' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/admin token/);
    await page.getByLabel('Admin token (for promote and roll back)').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Roll back v2' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.textContent()).resolves.toMatch(/v2 is retired/);
    await auditPage(page, 'recommender-confirm', [1280]);
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await until(async () => (await live()) === 1, 10_000, 'v1 live again');
    await page.getByRole('button', { name: 'Promote v2' }).waitFor();
    await page.getByRole('button', { name: 'Promote v2' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Promote v2' }).click();
    await until(async () => (await live()) === 2, 10_000, 'v2 live again');
    await page.getByRole('button', { name: 'Roll back v2' }).waitFor();
    // a rejected version offers no promote button
    expect(await page.getByRole('button', { name: 'Promote v3' }).count()).toBe(0);
  }, 60_000);

  it('had no console errors (the alert above is the page asking for the token, not a failed request)', () => {
    expect(errors).toEqual([]);
  });
});
