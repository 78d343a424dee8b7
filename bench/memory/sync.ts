/**
 * Memory sync fan-out (issue 13, item 5): two memory-api replicas (two Nest apps in this process,
 * separate ports, one Postgres, one Redis); N devices connected over WebSocket, half to replica A,
 * half to B; a writer device edits one memory through replica A (`POST /v1/sync/edits`, a
 * confidence change: no embedding in the write path) W times, one write at a time. Latency per
 * push: from the commit on A (the change log's commit hook, same process clock) to the push
 * arriving at each device, split by the device's replica; also from the write request's start.
 * Baseline in the same run: a device without the gateway polling `GET /v1/sync` with its vector
 * every `--poll` ms (latency: commit → the poll that first returns the change).
 *
 *   node -r @swc-node/register bench/memory/sync.ts [--devices 8] [--writes 300] [--gap 25] [--poll 250]
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { INestApplication } from '@nestjs/common';
import WebSocket from 'ws';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis } from '@frontier/platform-testing';
import { MEMORY_CONTEXT, type MemoryContext } from '@frontier/memory-nest';
import { AppModule } from '../../apps/memory-api/src/app.module';
import { MemoryApiEnv } from '../../apps/memory-api/src/env';
import { benchArgs, printHeadline, round } from '../lib/harness';
import { percentile } from './lib/bench-db';

const { flags } = benchArgs();
const DEVICES = Number(flags.get('devices') ?? 8);
const WRITES = Number(flags.get('writes') ?? 300);
const GAP_MS = Number(flags.get('gap') ?? 25);
const POLL_MS = Number(flags.get('poll') ?? 250);

const stats = (xs: number[]) => ({ n: xs.length, p50: round(percentile(xs, 50), 2), p99: round(percentile(xs, 99), 2), max: round(Math.max(...xs), 2) });

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_sync');
  const redis = await createTestRedis('benchsync');
  const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
  const start = async () => {
    const app = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await app.listen(0, '127.0.0.1');
    return app;
  };
  const apps: INestApplication[] = [await start(), await start()];
  const [a, b] = apps as [INestApplication, INestApplication];
  const port = (app: INestApplication) => (app.getHttpServer().address() as AddressInfo).port;
  const url = (app: INestApplication) => `http://127.0.0.1:${port(app)}`;
  const tenancy = a.get(TenancyService);
  const tenant = await tenancy.createTenant('bench');
  const key = (await tenancy.issueKey(tenant.id, 'rw', ['memory:*'])).key;
  const headers = (device?: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(device ? { 'x-device-id': device } : {}) });
  const user = 'bench-user';

  // commit times on replica A, by rev (the same clock as the devices: one process)
  const committed = new Map<string, number>();
  const ctxA = a.get<MemoryContext>(MEMORY_CONTEXT, { strict: false });
  ctxA.memories.sync.onCommitted((_s, changes) => {
    const t = performance.now();
    for (const c of changes) committed.set(c.rev, t);
  });

  const added = (await (await fetch(`${url(a)}/mem0/v3/memories/add`, { method: 'POST', headers: headers('seed'), body: JSON.stringify({ user_id: user, messages: [{ role: 'user', content: 'I keep a sourdough starter on the kitchen shelf' }], infer: false }) })).json()) as Array<{ id: string }>;
  const memoryId = (added[0] as { id: string }).id;

  // devices: half on A, half on B
  const arrivals: Array<{ replica: 'A' | 'B'; rev: string; t: number }> = [];
  const sockets: WebSocket[] = [];
  for (let i = 0; i < DEVICES; i++) {
    const replica = i % 2 ? 'B' : 'A';
    const ws = new WebSocket(`ws://127.0.0.1:${port(replica === 'A' ? a : b)}/v1/sync/ws?user_id=${user}&device_id=dev-${i}`, { headers: { authorization: `Bearer ${key}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    ws.on('message', (raw: Buffer) => {
      const t = performance.now();
      const m = JSON.parse(raw.toString('utf8')) as { event: string; data: { items?: Array<{ rev: string }> } };
      if (m.event === 'ready') ready();
      if (m.event === 'change') for (const it of m.data.items ?? []) arrivals.push({ replica, rev: it.rev, t });
    });
    ws.send(JSON.stringify({ event: 'hello', data: { since: '' } }));
    await isReady;
    sockets.push(ws);
  }

  // baseline: one device polling replica B with its vector
  let pollVector = (await (await fetch(`${url(b)}/v1/sync?user_id=${user}&device_id=poller`, { headers: headers() })).json() as { vector: string }).vector;
  const polled: Array<{ rev: string; t: number }> = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const page = (await (await fetch(`${url(b)}/v1/sync?user_id=${user}&device_id=poller&since=${encodeURIComponent(pollVector)}`, { headers: headers() })).json()) as { items: Array<{ rev: string }>; vector: string };
      const t = performance.now();
      for (const it of page.items) polled.push({ rev: it.rev, t });
      pollVector = page.vector;
    }
  })();

  const started = new Map<string, number>();
  const writeMs: number[] = [];
  let baseRev = '0';
  for (let i = 0; i < WRITES; i++) {
    const t0 = performance.now();
    const r = await fetch(`${url(a)}/v1/sync/edits`, {
      method: 'POST',
      headers: headers('writer'),
      body: JSON.stringify({ user_id: user, id: memoryId, base_rev: baseRev, edited_at: new Date().toISOString(), op: 'update', confidence: 0.5 + ((i % 40) + 1) / 100 }),
    });
    if (!r.ok) throw new Error(`write ${i}: ${r.status} ${await r.text()}`);
    writeMs.push(performance.now() - t0);
    const newest = [...committed.keys()].pop() as string;
    started.set(newest, t0);
    baseRev = newest;
    await new Promise((res) => setTimeout(res, GAP_MS));
  }
  await new Promise((r) => setTimeout(r, Math.max(1000, POLL_MS * 3)));
  polling = false;
  await poller;

  const fromCommit = (replica: 'A' | 'B') => arrivals.filter((x) => x.replica === replica && committed.has(x.rev)).map((x) => x.t - (committed.get(x.rev) as number));
  const fromRequest = arrivals.filter((x) => started.has(x.rev)).map((x) => x.t - (started.get(x.rev) as number));
  const expected = WRITES * DEVICES;
  const got = arrivals.filter((x) => started.has(x.rev)).length;
  const pollLat = polled.filter((x) => committed.has(x.rev) && started.has(x.rev)).map((x) => x.t - (committed.get(x.rev) as number));

  for (const s of sockets) s.close();
  for (const app of apps) await app.close();
  await redis.cleanup();
  await db.drop();

  const a1 = stats(fromCommit('A'));
  const b1 = stats(fromCommit('B'));
  const req = stats(fromRequest);
  const poll = stats(pollLat);
  console.log(`devices ${DEVICES} (half per replica), writes ${WRITES} through replica A, ${GAP_MS} ms apart; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`write (POST /v1/sync/edits) p50 ${round(percentile(writeMs, 50), 2)} ms, p99 ${round(percentile(writeMs, 99), 2)} ms`);
  console.log(`push, commit → device on replica A: ${JSON.stringify(a1)}`);
  console.log(`push, commit → device on replica B: ${JSON.stringify(b1)}`);
  console.log(`push, write request start → device (both): ${JSON.stringify(req)}`);
  console.log(`baseline, HTTP polling every ${POLL_MS} ms (commit → poll that sees it): ${JSON.stringify(poll)}`);
  console.log(`delivered ${got} of ${expected} (devices × writes)`);
  printHeadline('memory-sync', {
    devices: DEVICES,
    writes: WRITES,
    delivered: got,
    expected,
    push_a_p50_ms: a1.p50,
    push_a_p99_ms: a1.p99,
    push_b_p50_ms: b1.p50,
    push_b_p99_ms: b1.p99,
    request_to_push_p50_ms: req.p50,
    request_to_push_p99_ms: req.p99,
    poll_baseline_p50_ms: poll.p50,
    poll_baseline_p99_ms: poll.p99,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
