import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { bullConnection, bullPrefix } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';

const ROOT = join(__dirname, '../../../..');
const FIXTURE = join(__dirname, 'testing/shutdown-app.fixture.ts');
const WORKER_FIXTURE = join(__dirname, 'testing/shutdown-worker.fixture.ts');

/** Starts a fixture as the apps start (swc), collecting its output; resolves once `ready` matches. */
async function startFixture(file: string, env: Record<string, string>, ready: RegExp) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', file], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { out: '' };
  child.stdout?.on('data', (d: Buffer) => (log.out += d));
  child.stderr?.on('data', (d: Buffer) => (log.out += d));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: performance.now() })));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fixture not ready in 90 s:\n${log.out}`)), 90_000);
    child.stdout?.on('data', () => {
      const m = ready.exec(log.out);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    void exited.then(() => reject(new Error(`fixture exited:\n${log.out}`)));
  });
  return { child, log, exited, match };
}

interface Reply {
  status: number;
  connection: string | undefined;
  at: number;
}

function post(port: number, agent: Agent, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, at: performance.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A raw keep-alive connection that has been served once and then sits idle; resolves when the server closes it. */
async function idleKeepAlive(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', () => resolve());
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  });
  socket.on('error', () => undefined);
  return { socket, closed };
}

const get = (port: number, path: string) =>
  new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });

/**
 * Item 7 of issue 10: SIGTERM under load. The app (bootstrapHttp, as the apps' main.ts start it)
 * runs in a child process; requests hold pooled Postgres connections when the signal comes.
 */
describe('drained shutdown on SIGTERM (child process, real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('shutdown');
    redis = await createTestRedis('shutdown');
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await redis.cleanup();
    await db.drop();
  });

  it('answers every request accepted before the signal with its normal status, closes idle keep-alive sockets at once, refuses new connections, exits 0', async () => {
    const N = 30;
    const started = await startFixture(FIXTURE, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, SHUTDOWN_TIMEOUT_MS: '8000' }, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
    child = started.child;
    const { exited } = started;
    const port = Number(started.match[1]);
    const out = () => started.log.out;
    // the start-up lines name what it connects to (password masked) and the address really bound
    expect(out()).toMatch(/shutdown-fixture uses postgres 127\.0\.0\.1:\d+\/frontier_test_shutdown_\w+ as postgres \(pool 40\), redis redis:\/\/[^ ]+, prefix test-shutdown-/);

    const idle = await Promise.all(Array.from({ length: 5 }, () => idleKeepAlive(port)));
    const agent = new Agent({ keepAlive: true, maxSockets: N });
    const replies = Array.from({ length: N }, () => post(port, agent, '/t/slow?ms=1500').catch((e: Error) => ({ status: -1, connection: e.message, at: performance.now() })));
    for (let i = 0; i < 200 && JSON.parse(await get(port, '/t/arrived')).arrived < N; i++) await new Promise((r) => setTimeout(r, 25));
    expect(JSON.parse(await get(port, '/t/arrived')).arrived).toBe(N);

    const signalledAt = performance.now();
    child.kill('SIGTERM');
    // the listening socket closes at once: new connections are refused (polled; a loaded machine delays the signal)
    const tryConnect = () =>
      new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve('accepted')));
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
    let refused = 'accepted';
    while (refused === 'accepted' && performance.now() - signalledAt < 2_000) {
      await new Promise((r) => setTimeout(r, 20));
      refused = await tryConnect();
    }
    const refusedAfter = performance.now() - signalledAt;

    const answered = await Promise.all(replies);
    const idleClosed = await Promise.all(idle.map((c) => c.closed));
    const exit = await exited;
    agent.destroy();

    expect(answered.map((r) => r.status)).toEqual(Array(N).fill(201));
    // answers after the signal tell keep-alive clients to go away (on a loaded machine a few may have finished before it)
    const afterSignal = answered.filter((r) => r.at > signalledAt);
    expect(afterSignal.length).toBeGreaterThanOrEqual(N / 2);
    expect(afterSignal.every((r) => r.connection === 'close')).toBe(true);
    expect(Math.max(...idleClosed.map((t) => t - signalledAt))).toBeLessThan(1_000);
    expect(refused).toBe('ECONNREFUSED');
    expect(refusedAfter).toBeLessThan(1_000);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(8_000);
    const drained = /HTTP drained in (\d+) ms \((\d+) request\(s\) were in flight\)/.exec(out());
    expect(Number(drained?.[2])).toBe(afterSignal.length);

    const c = new Client({ connectionString: db.url });
    await c.connect();
    const rows = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
    await c.end();
    expect(rows.rows[0]?.n).toBe(N);
    child = undefined;
  }, 150_000);

  it('a worker lets its running jobs finish, takes no new ones, then exits 0', async () => {
    const started = await startFixture(WORKER_FIXTURE, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix }, /consuming shutdown-w with 1 job handler/);
    child = started.child;
    const queue = new Queue('shutdown-w', { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    for (let i = 0; i < 4; i++) await queue.add('shutdown-w.slow', { ms: 1_500, name: `job-${i}` });
    for (let i = 0; i < 200 && (await queue.getActiveCount()) < 4; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await queue.getActiveCount()).toBe(4);
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    await queue.add('shutdown-w.slow', { ms: 1, name: 'after-signal' });
    const exit = await started.exited;
    expect(exit.code).toBe(0);
    expect(started.log.out).toMatch(/workers closed \(4 job\(s\) were running\)/);
    expect(await queue.getCompletedCount()).toBe(4);
    expect(await queue.getWaitingCount()).toBe(1); // the job added after the signal waits for another worker
    await queue.close();
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const names = (await c.query<{ name: string }>(`SELECT name FROM tenants WHERE name LIKE 'job-%' ORDER BY name`)).rows.map((r) => r.name);
    await c.end();
    expect(names).toEqual(['job-0', 'job-1', 'job-2', 'job-3']);
    child = undefined;
  }, 150_000);
});
