/**
 * Event bus throughput and loss (issue 17, item 2): the same run through
 *   shipped   — the default bus, Redis Streams (RedisEventBus) on REDIS_URL;
 *   jetstream — NATS JetStream (JetStreamEventBus) on NATS_URL (file storage).
 *
 * Throughput: `--consumers` consumers (each a bus of its own, `--concurrency` handlers) in one
 * group; `--messages` messages of `--payload` bytes published `--inflight` at a time; publish/s and
 * end to end (first publish → last message handled) per adapter, median of `--repeats`.
 *
 * Kill: a consumer child process and one in this process share a group; `--kill-messages` are
 * published; once the child has handled a quarter of them it is SIGKILLed (mid-handler: each
 * handler takes ~1 ms). The survivor must finish: published, unique handled, lost (must be 0),
 * redelivered (handled more than once: the child's unacked ones), and how long recovery took (the
 * ack wait, `--ack-wait-ms`, bounds it). Handlers record what they handled in Redis.
 *
 * Streams and keys live under a fresh prefix and are deleted after.
 *
 *   node -r @swc-node/register bench/platform/event-bus.ts [--messages 5000] [--payload 256] [--consumers 2] [--concurrency 16] [--inflight 64] [--kill-messages 2000] [--ack-wait-ms 2000] [--repeats 3]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { JetStreamEventBus, RedisEventBus, type EventBus, type EventBusKind } from '@frontier/platform-events';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { benchArgs, median, printHeadline, round, usageError } from '../lib/harness';

const USAGE = 'bench/platform/event-bus.ts [--messages 5000] [--payload 256] [--consumers 2] [--concurrency 16] [--inflight 64] [--kill-messages 2000] [--ack-wait-ms 2000] [--repeats 3]';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const { flags, positional } = benchArgs();
const CHILD = positional[0] === 'child';
if (positional.length && !CHILD) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
const KNOWN = ['messages', 'payload', 'consumers', 'concurrency', 'inflight', 'kill-messages', 'ack-wait-ms', 'repeats', 'kind', 'prefix', 'stream'];
for (const k of flags.keys()) if (!KNOWN.includes(k)) usageError(`unknown flag --${k}; usage: ${USAGE}`);
const int = (name: string, dflt: number, min: number) => {
  const v = Number(flags.get(name) ?? dflt);
  if (!Number.isInteger(v) || v < min) usageError(`--${name} must be a whole number ≥ ${min}, got ${flags.get(name)}`);
  return v;
};
const MESSAGES = int('messages', 5_000, 10);
const PAYLOAD = int('payload', 256, 1);
const CONSUMERS = int('consumers', 2, 1);
const CONCURRENCY = int('concurrency', 16, 1);
const INFLIGHT = int('inflight', 64, 1);
const KILL_MESSAGES = int('kill-messages', 2_000, 10);
const ACK_WAIT_MS = int('ack-wait-ms', 2_000, 100);
const REPEATS = int('repeats', 3, 1);
const KINDS: EventBusKind[] = ['redis', 'jetstream'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const busOf = (kind: EventBusKind, prefix: string, redis: RedisClient): EventBus & { abort(): void } =>
  kind === 'redis' ? new RedisEventBus(redis, { prefix, pollMs: 500 }) : new JetStreamEventBus(NATS_URL, { prefix, pollMs: 1_000 });

/** Publishes `n` messages `INFLIGHT` at a time. */
async function publishAll(bus: EventBus, stream: string, n: number, body: string): Promise<void> {
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < n; i = next++) await bus.publish(stream, { id: `m${i}`, payload: { i, body } });
  };
  await Promise.all(Array.from({ length: Math.min(INFLIGHT, n) }, lane));
}

async function until(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await probe()) return true;
    await sleep(20);
  }
  return false;
}

interface Throughput {
  publishPerS: number;
  endToEndPerS: number;
}

async function throughput(kind: EventBusKind, redis: RedisClient, n: number): Promise<Throughput> {
  const prefix = `bench-ev-${randomBytes(4).toString('hex')}`;
  const stream = 'bench';
  const publisher = busOf(kind, prefix, redis);
  const buses = Array.from({ length: CONSUMERS }, () => busOf(kind, prefix, redis));
  let handled = 0;
  let lastAt = 0;
  for (const b of buses) {
    await b.consume(stream, 'g', () => {
      handled++;
      lastAt = performance.now();
    }, { concurrency: CONCURRENCY, ackWaitMs: 30_000 });
  }
  const body = 'x'.repeat(PAYLOAD);
  const t0 = performance.now();
  await publishAll(publisher, stream, n, body);
  const t1 = performance.now();
  if (!(await until(async () => handled >= n, 120_000))) throw new Error(`${kind}: ${handled} of ${n} handled after 120 s`);
  const row = { publishPerS: round(n / ((t1 - t0) / 1000), 0), endToEndPerS: round(n / ((lastAt - t0) / 1000), 0) };
  await Promise.all([publisher, ...buses].map((b) => b.close()));
  await cleanup(kind, prefix, [stream], redis);
  return row;
}

interface KillRow {
  published: number;
  uniqueHandled: number;
  lost: number;
  redelivered: number;
  handledByKilledChild: number;
  recoveryMs: number;
}

const handledKey = (prefix: string) => `${prefix}:bench:{handled}`;
const countsKey = (prefix: string) => `${prefix}:bench:{handled}:by`;

/** A handler that records each message it handled (set of ids) and per consumer how many. */
const recorder = (redis: RedisClient, prefix: string, who: string) => async (e: { id: string }) => {
  await sleep(1);
  await redis.multi().sadd(handledKey(prefix), e.id).hincrby(countsKey(prefix), who, 1).exec();
};

async function killRun(kind: EventBusKind, redis: RedisClient): Promise<KillRow> {
  const prefix = `bench-kill-${randomBytes(4).toString('hex')}`;
  const stream = 'bench';
  const survivor = busOf(kind, prefix, redis);
  await survivor.consume(stream, 'g', recorder(redis, prefix, 'survivor'), { concurrency: CONCURRENCY, ackWaitMs: ACK_WAIT_MS });
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, 'child', '--kind', kind, '--prefix', prefix, '--stream', stream, '--concurrency', String(CONCURRENCY), '--ack-wait-ms', String(ACK_WAIT_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the consumer child exited (${code}) before it was ready`)));
  });
  const publisher = busOf(kind, prefix, redis);
  const published = publishAll(publisher, stream, KILL_MESSAGES, 'x'.repeat(PAYLOAD));
  const childCount = async () => Number((await redis.hget(countsKey(prefix), 'child')) ?? 0);
  await until(async () => (await childCount()) >= KILL_MESSAGES / 4, 60_000);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  const tKill = performance.now();
  const handledByKilledChild = await childCount();
  await published;
  const done = await until(async () => (await redis.scard(handledKey(prefix))) >= KILL_MESSAGES, 60_000 + 4 * ACK_WAIT_MS);
  const recoveryMs = done ? Math.round(performance.now() - tKill) : -1;
  await sleep(ACK_WAIT_MS); // anything still to come back
  const unique = await redis.scard(handledKey(prefix));
  const counts = Object.values(await redis.hgetall(countsKey(prefix))).reduce((a, v) => a + Number(v), 0);
  await Promise.all([survivor.close(), publisher.close()]);
  await cleanup(kind, prefix, [stream], redis);
  await redis.del(handledKey(prefix), countsKey(prefix));
  return { published: KILL_MESSAGES, uniqueHandled: unique, lost: KILL_MESSAGES - unique, redelivered: counts - unique, handledByKilledChild, recoveryMs };
}

async function cleanup(kind: EventBusKind, prefix: string, streams: string[], redis: RedisClient): Promise<void> {
  if (kind === 'jetstream') {
    const js = new JetStreamEventBus(NATS_URL, { prefix });
    for (const s of streams) for (const name of [s, `${s}.dead`]) await js.deleteStream(name);
    await js.close();
    return;
  }
  let cursor = '0';
  do {
    const [next, keys] = await (redis as import('ioredis').Redis).scan(cursor, 'MATCH', `${prefix}:events:*`, 'COUNT', 1_000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** The consumer child of the kill run: consumes until SIGKILLed. */
async function child(): Promise<void> {
  const kind = flags.get('kind') as EventBusKind;
  const prefix = flags.get('prefix') as string;
  const redis = createRedis(REDIS_URL);
  const bus = busOf(kind, prefix, redis);
  await bus.consume(flags.get('stream') as string, 'g', recorder(redis, prefix, 'child'), { concurrency: CONCURRENCY, ackWaitMs: ACK_WAIT_MS });
  process.stdout.write('ready\n');
}

async function main(): Promise<void> {
  const redis = createRedis(REDIS_URL);
  try {
    const load = [loadavg()[0]];
    for (const kind of KINDS) await throughput(kind, redis, Math.min(MESSAGES, 500)); // warm-up: JIT, connections, streams
    const runs: Record<EventBusKind, Throughput[]> = { redis: [], jetstream: [] };
    for (let r = 0; r < REPEATS; r++) for (const kind of KINDS) runs[kind].push(await throughput(kind, redis, MESSAGES));
    const rows = Object.fromEntries(KINDS.map((k) => [k, { publishPerS: median(runs[k].map((x) => x.publishPerS)), endToEndPerS: median(runs[k].map((x) => x.endToEndPerS)) }])) as Record<EventBusKind, Throughput>;
    const kills = {} as Record<EventBusKind, KillRow>;
    for (const kind of KINDS) kills[kind] = await killRun(kind, redis);
    load.push(loadavg()[0]);
    for (const kind of KINDS) {
      const name = kind === 'redis' ? 'shipped' : kind;
      const r = rows[kind];
      const k = kills[kind];
      process.stdout.write(
        `${name.padEnd(10)} publish ${String(r.publishPerS).padStart(6)}/s  end-to-end ${String(r.endToEndPerS).padStart(6)}/s  | kill: published ${k.published}, unique ${k.uniqueHandled}, lost ${k.lost}, redelivered ${k.redelivered}, child handled ${k.handledByKilledChild}, recovered in ${k.recoveryMs} ms\n`,
      );
    }
    printHeadline('platform/event-bus', {
      messages: MESSAGES,
      payloadBytes: PAYLOAD,
      consumers: CONSUMERS,
      concurrency: CONCURRENCY,
      inflight: INFLIGHT,
      killMessages: KILL_MESSAGES,
      ackWaitMs: ACK_WAIT_MS,
      repeats: REPEATS,
      cores: cpus().length,
      load1: load.map((l) => round(l ?? 0, 2)),
      shipped: { bus: 'redis', ...rows.redis, kill: kills.redis },
      jetstream: { ...rows.jetstream, kill: kills.jetstream },
      jetstreamVsShipped: round(rows.jetstream.endToEndPerS / rows.redis.endToEndPerS, 3),
      lost: kills.redis.lost + kills.jetstream.lost,
    });
  } finally {
    redis.disconnect();
  }
}

(CHILD ? child() : main()).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
