import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { startLoopbackLlmServer, type LoopbackLlmServer } from '@frontier/ml-llm';
import { EncodersEnv } from '@frontier/multimodal-encoders';
import { KeyLimitsRepository } from '@frontier/multimodal-data-access';
import { BillingService, LimitsService, RejectionsService } from '@frontier/multimodal-nest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule as MemoryApiModule } from '../../memory-api/src/app.module';
import { MemoryApiEnv } from '../../memory-api/src/env';
import { WorkerModule as MemoryWorkerModule } from '../../memory-worker/src/worker.module';
import { MemoryWorkerEnv } from '../../memory-worker/src/env';
import { AppModule as GatewayModule } from '../../chat-gateway/src/app.module';
import { gatewayConfig } from '../../chat-gateway/src/config';
import { ChatGatewayEnv } from '../../chat-gateway/src/env';
import { createConsoleApp } from './console.app';
import { ConsoleEnv } from './env';
import { auditPage, axeViolations, collectErrors, launchChromium, screenshots } from './testing/browser';

const url = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
const USER = 'alice';
const ADMIN_TOKEN = 'console-admin-token-0123456789';

describe('console in Debian Chromium (playwright-core) against memory-api + memory-worker + chat-gateway on loopback (real Postgres, Redis, USE-lite; the loopback LLM stands in for a hosted one)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let llm: LoopbackLlmServer;
  let memoryApi: INestApplication;
  let memoryWorker: INestApplicationContext;
  let gateway: INestApplication;
  let console_: INestApplication;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let key: string;
  let memUrl: string;
  const auth = () => ({ authorization: `Bearer ${key}` });
  const memories = async () => ((await (await fetch(`${memUrl}/v1/memories?user_id=${USER}`, { headers: auth() })).json()) as { total: number; results: Array<{ id: string; memory: string }> });

  beforeAll(async () => {
    browser = await launchChromium(); // first: a missing Chromium fails here, saying how to install it
    db = await createTestDatabase('console');
    redis = await createTestRedis('console');
    llm = await startLoopbackLlmServer();
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    memoryApi = await createHttpApp(MemoryApiModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await memoryApi.listen(0, '127.0.0.1');
    memoryWorker = await NestFactory.createApplicationContext(MemoryWorkerModule.register(loadEnv(MemoryWorkerEnv, base), {}), { logger: false });
    const graw = { ...base, UPSTREAM_BASE_URL: llm.baseUrl, UPSTREAM_MODEL: llm.model, GATEWAY_PROFILE: 'llava-1.5', GATEWAY_CONTEXT_TOKENS: '8192', ENCODERS: 'inline', ENCODER_OCR: 'false', ENCODER_NSFW: 'false', GATEWAY_IMAGE_SAFETY: 'false' };
    const genv = loadEnv(ChatGatewayEnv, graw);
    gateway = await createHttpApp(GatewayModule.register(genv, gatewayConfig(genv, loadEnv(EncodersEnv, graw))), { service: 'chat-gateway', logger: false });
    await gateway.listen(0, '127.0.0.1');
    memUrl = url(memoryApi);

    const tenancy = memoryApi.get(TenancyService);
    const tenant = await tenancy.createTenant('acme-console');
    key = (await tenancy.issueKey(tenant.id, 'console', ['memory:*', 'multimodal:*'])).key;
    const mobileKey = await tenancy.issueKey(tenant.id, 'mobile app', ['multimodal:*']);
    const mobile = mobileKey.key;

    // memories: two sessions through the real extraction pipeline
    const sessions = [
      { session_id: 'chat-1', turns: [{ id: 'a1', role: 'user', content: "Remember that I'm vegetarian. I work at Acme Corp as a nurse." }, { id: 'a2', role: 'assistant', content: 'Noted!' }] },
      { session_id: 'chat-2', turns: [{ id: 'b1', role: 'user', content: 'Remember that my daughter is 7 and I just moved to Lisbon.' }] },
    ];
    for (const s of sessions) {
      const r = await fetch(`${memUrl}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ user_id: USER, ...s }) });
      expect(r.status).toBe(202);
    }
    await until(async () => (await memories()).total >= 4, 60_000, 'extraction of the seeded sessions');

    // spend: a text request with one key, an image request with the other, billed into usage rows
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } }).png().toBuffer();
    const chat = (k: string, content: unknown) =>
      fetch(`${url(gateway)}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: llm.model, messages: [{ role: 'user', content }] }) });
    expect((await chat(key, 'Plan a vegetarian dinner for four.')).status).toBe(200);
    expect((await chat(mobile, [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }])).status).toBe(200);
    const prisma = gateway.get(PrismaService);
    const events = await until(async () => {
      const e = await prisma.multimodalBillingEvent.findMany({ where: { status: 'completed' } });
      return e.length >= 2 ? e : undefined;
    }, 20_000, 'billing events');
    for (const e of events) await gateway.get(BillingService).expand(e.id); // what multimodal-worker does on its queue
    // refusals: a bad part, then the mobile key's daily budget (a micro-dollar, already spent) — counted per key and reason
    expect((await chat(mobile, [{ type: 'hologram', hologram: {} }])).status).toBe(400);
    await gateway.get(KeyLimitsRepository).set(tenant.id, mobileKey.id, { dailyBudgetUsd: 0.000001 });
    gateway.get(LimitsService).invalidate(mobileKey.id);
    expect((await chat(mobile, 'one more, please')).status).toBe(429);
    await gateway.get(RejectionsService).flush();

    console_ = await createConsoleApp(loadEnv(ConsoleEnv, { MEMORY_API_URL: memUrl, GATEWAY_URL: url(gateway), RECSYS_API_URL: 'http://127.0.0.1:9', ADMIN_TOKEN, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix }), { logger: false });
    await console_.listen(0, '127.0.0.1');
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    errors = collectErrors(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await console_?.close();
    await gateway?.close();
    await memoryWorker?.close();
    await memoryApi?.close();
    await llm?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('connects with the key (kept in sessionStorage) and lists the memories newest first, with provenance and confidence', async () => {
    await page.goto(url(console_));
    // a wrong key: the API's refusal is shown, nothing else
    await page.getByLabel('API key').fill('fk_not_a_real_key');
    await page.getByLabel('User id').fill(USER);
    await page.getByRole('button', { name: 'Connect' }).click();
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/key/i);
    await page.getByRole('button', { name: 'Sign out' }).click();
    errors.length = 0; // the 401s above are the browser's own console lines for refused requests
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('User id').fill(USER);
    await page.getByRole('button', { name: 'Connect' }).click();
    const list = page.getByRole('list', { name: 'Memories' });
    await list.getByRole('listitem').first().waitFor();
    expect(await list.getByRole('listitem').count()).toBe((await memories()).total);
    const texts = await list.locator('.text').allTextContents();
    expect(texts).toEqual(expect.arrayContaining(["I'm vegetarian", 'my daughter is 7']));
    const first = list.getByRole('listitem').first();
    await expect(first.textContent()).resolves.toMatch(/session chat-2/); // the later session first
    expect(await page.evaluate("sessionStorage.getItem('frontier.console')")).toContain(USER);
    expect(await auditPage(page, 'memories')).toEqual({ violations: [], overflowing: [] });
  }, 60_000);

  it('filters by type and session, and searches', async () => {
    await page.getByLabel('Type', { exact: true }).selectOption('work');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(async () => (await page.locator('.memories .text').allTextContents()).join('|') === 'I work at Acme Corp as a nurse', 10_000, 'type filter');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Session', { exact: true }).fill('chat-2');
    await page.getByRole('button', { name: 'Apply' }).click();
    await until(async () => {
      const t = await page.locator('.memories .text').allTextContents();
      return t.length === 2 && t.every((x) => /daughter|Lisbon/.test(x));
    }, 10_000, 'session filter');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Search', { exact: true }).fill('what should I cook for dinner?');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await until(async () => (await page.locator('.memories .text').first().textContent()) === "I'm vegetarian", 10_000, 'search');
    await page.getByRole('button', { name: 'Clear' }).click();
    await until(async () => (await page.locator('.memories .text').count()) === 4, 10_000, 'cleared');
  }, 60_000);

  it('updates live when another device changes a memory (the sync WebSocket through the console)', async () => {
    await page.locator('[data-live="live"]').waitFor({ timeout: 15_000 });
    const work = (await memories()).results.find((m) => m.memory === 'I work at Acme Corp as a nurse');
    const r = await fetch(`${memUrl}/v1/memories/${work?.id}`, { method: 'PATCH', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ user_id: USER, text: 'I work at Acme Corp as a head nurse' }) });
    expect(r.status).toBe(200);
    await page.locator('.memories .text', { hasText: 'I work at Acme Corp as a head nurse' }).waitFor({ timeout: 10_000 });
  }, 30_000);

  it('What the assistant knows: the "what do you know about me" view grouped by kind', async () => {
    await page.getByRole('link', { name: 'What the assistant knows' }).click();
    const view = page.getByRole('region', { name: '“What do you know about me?”' });
    await view.getByRole('heading', { name: 'People in your life' }).waitFor();
    await expect(view.textContent()).resolves.toMatch(/People in your life.*your daughter is 7 \(95%\).*Work.*you work at Acme Corp as a head nurse/);
    expect(await auditPage(page, 'knows')).toEqual({ violations: [], overflowing: [] });
    await page.getByRole('link', { name: 'My memories' }).click();
    await page.locator('.memories .text').first().waitFor();
  }, 30_000);

  it('deletes one memory after confirmation (keyboard only), and the API no longer has it; the erasure completes', async () => {
    const target = (await memories()).results.find((m) => m.memory === "I'm vegetarian");
    expect(target).toBeDefined();
    const del = page.getByRole('button', { name: "Delete memory: I'm vegetarian" });
    await del.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete this memory?' });
    await dialog.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'memories-confirm', [1280]);
    await page.keyboard.press('Tab'); // Cancel has focus; Tab to the destructive action
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Deleted 1 memory' }).waitFor();
    const gone = await fetch(`${memUrl}/v1/memories/${target?.id}?user_id=${USER}`, { headers: auth() });
    expect(gone.status).toBe(404);
    expect((await memories()).results.map((m) => m.memory)).not.toContain("I'm vegetarian");
    expect(await page.locator('.memories .text').allTextContents()).not.toContain("I'm vegetarian");
    await page.locator('tr[data-erasure] .tag.completed').waitFor({ timeout: 30_000 });
    expect(await auditPage(page, 'memories-erased')).toEqual({ violations: [], overflowing: [] });
  }, 60_000);

  it('exports: the browser downloads a JSON file with the memories', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toBe(`memories-${USER}.json`);
    const body = readFileSync(await download.path(), 'utf8');
    expect(body).toContain('my daughter is 7');
    expect(body).not.toContain("I'm vegetarian");
    expect(() => JSON.parse(body)).not.toThrow();
  }, 30_000);

  it('Spend: the stacked chart renders the seeded usage by modality, the tables by modality and key; budgets and limits per key; the seeded refusals by reason; the skip link works by keyboard', async () => {
    await page.getByRole('link', { name: 'Spend' }).click();
    const daily = page.getByRole('region', { name: 'Cost per day by modality' });
    await daily.locator('svg[data-chart="stacked"] rect[data-series]').first().waitFor();
    const series = await daily.locator('svg[data-chart="stacked"] rect[data-series]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-series')));
    expect(series.sort()).toEqual(['image', 'text']);
    // budgets and limits: the mobile key's own daily budget against its spend (a meter), the defaults said so
    const limits = page.getByRole('table', { name: 'Budgets and limits per API key' });
    const mobileRow = limits.getByRole('row').filter({ hasText: 'mobile app' });
    await expect(mobileRow.textContent()).resolves.toMatch(/unlimited \(default\)[\s\S]*of \$0\.000001/);
    await expect(mobileRow.getByRole('meter').getAttribute('aria-label')).resolves.toBe('mobile app: 100% of the daily budget spent');
    // refusals: the chart stacks them by reason; the table counts them per key
    const refused = page.getByRole('region', { name: 'Refused requests', exact: true });
    const reasons = await refused.locator('svg[data-chart="stacked"] rect[data-series]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-series')));
    expect([...new Set(reasons)].sort()).toEqual(['daily budget', 'invalid input']);
    const byReason = page.getByRole('table', { name: 'Refused requests by API key and reason' });
    await expect(byReason.getByRole('row').filter({ hasText: 'mobile app' }).textContent()).resolves.toBe('mobile app112');
    const byKey = page.getByRole('table', { name: 'Usage by API key' });
    await expect(byKey.textContent()).resolves.toMatch(/console[\s\S]*mobile app|mobile app[\s\S]*console/);
    const byMod = page.getByRole('table', { name: 'Usage by modality' });
    await expect(byMod.textContent()).resolves.toMatch(/image/);
    expect(await auditPage(page, 'spend')).toEqual({ violations: [], overflowing: [] });
    // keyboard: the first Tab reaches the skip link, which moves focus to the page's content (not to another page)
    await page.reload();
    await page.locator('svg[data-chart="stacked"]').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    expect(new URL(page.url()).hash).toBe('#/spend');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe(await page.getByLabel('Period').getAttribute('id'));
  }, 60_000);

  it('Queues: Bull Board lists every BullMQ queue in use, behind the admin token', async () => {
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('link', { name: 'Open Bull Board' }).waitFor();
    expect(await auditPage(page, 'queues')).toEqual({ violations: [], overflowing: [] });
    expect((await fetch(`${url(console_)}/queues/`)).status).toBe(401);
    expect((await fetch(`${url(console_)}/queues/`, { headers: { authorization: 'Bearer not-the-admin-token-at-all' } })).status).toBe(401);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: 'admin', password: ADMIN_TOKEN } });
    const board = await ctx.newPage();
    await board.goto(`${url(console_)}/queues/`);
    for (const q of ['memory', 'multimodal']) await board.getByText(q, { exact: true }).first().waitFor({ timeout: 15_000 });
    await screenshots(board, 'queues-bull-board');
    await ctx.close();
  }, 60_000);

  it('deletes a whole session and then everything, with confirmation, through the UI', async () => {
    await page.getByRole('link', { name: 'My memories' }).click();
    await page.getByRole('button', { name: 'Delete session chat-2 memories' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete session memories' }).click();
    await until(async () => (await memories()).results.every((m) => !/daughter|Lisbon/.test(m.memory)), 10_000, 'session erased');
    await page.getByRole('button', { name: 'Delete all', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete all', exact: true }).click();
    await until(async () => (await memories()).total === 0, 10_000, 'user erased');
    await until(async () => (await page.locator('.memories li').count()) === 0, 10_000, 'list emptied');
  }, 60_000);

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
