import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, ensureDatabase } from '@frontier/platform-prisma';

/**
 * A Postgres or Redis server of a test's own, on a free loopback port, that the test can stop,
 * kill and start again (fault injection). Data lives in a temp dir removed by `dispose()`;
 * a process `exit` hook kills whatever a crashed test left running.
 */
export interface PrivateInstance {
  readonly kind: 'postgres' | 'redis';
  readonly port: number;
  /** Connection URL (Postgres: the migrated database; Redis: db 0). */
  readonly url: string;
  /** Where its data, socket and log live. */
  readonly dir: string;
  readonly running: boolean;
  /** (Re)starts it on the same port and data; resolves once it answers. */
  start(): Promise<void>;
  /** Graceful stop (Postgres "fast": open sessions are terminated; Redis: SHUTDOWN via SIGTERM). */
  stop(): Promise<void>;
  /** Abrupt stop (Postgres "immediate", crash recovery at next start; Redis SIGKILL). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its data dir. */
  dispose(): Promise<void>;
}

export interface PrivatePostgres extends PrivateInstance {
  readonly kind: 'postgres';
  readonly database: string;
  /** URL of the `postgres` maintenance database (CREATE/DROP DATABASE). */
  readonly adminUrl: string;
}

export interface PrivateRedis extends PrivateInstance {
  readonly kind: 'redis';
}

const live = new Set<{ child: ChildProcess; abrupt: NodeJS.Signals }>();
let exitHook = false;
function track(child: ChildProcess, abrupt: NodeJS.Signals) {
  const entry = { child, abrupt };
  live.add(entry);
  child.once('exit', () => live.delete(entry));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const e of live) e.child.kill(e.abrupt);
    });
  }
}

/** A port nothing listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited during start (${child.exitCode ?? child.signalCode})`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms`);
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

export interface Supervision {
  what: string;
  dir: string;
  log: string;
  launch: (logFd: number) => ChildProcess;
  answers: () => Promise<boolean>;
  graceful: NodeJS.Signals;
  abrupt: NodeJS.Signals;
  startTimeoutMs: number;
}

/** The lifecycle both servers share: one child process at a time, started until it answers. */
export function supervised(s: Supervision): Pick<PrivateInstance, 'dir' | 'running' | 'start' | 'stop' | 'kill' | 'restart' | 'dispose'> {
  let child: ChildProcess | undefined;
  const up = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals) => {
    if (!child || !up()) return;
    child.kill(sig);
    await exited(child, 10_000);
  };
  const self = {
    dir: s.dir,
    get running() {
      return up();
    },
    async start() {
      if (up()) return;
      const log = openSync(s.log, 'a');
      const proc = s.launch(log);
      closeSync(log);
      child = proc;
      track(proc, s.abrupt);
      await waitFor(s.what, s.answers, s.startTimeoutMs, proc);
    },
    stop: () => signal(s.graceful),
    kill: () => signal(s.abrupt),
    async restart() {
      await self.stop();
      await self.start();
    },
    async dispose() {
      await self.kill();
      rmSync(s.dir, { recursive: true, force: true });
    },
  };
  return self;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function pgBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no Postgres server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return join(base, versions[0], 'bin');
}

/** Postgres refuses to run as root: as root we run it as the `postgres` user. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/bash', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export function tempDir(label: string, owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(join(tmpdir(), `frontier-${label}-`));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

async function pgAnswers(url: string): Promise<boolean> {
  const c = new Client({ connectionString: url }); // no connectionTimeoutMillis: pg leaves its timer running after a refused connect
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface PrivatePostgresOptions {
  /** Database created (and migrated) in it; default `frontier`. */
  database?: string;
  /** Apply the workspace's migrations to it (default true). */
  migrate?: boolean;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
  /** How long a start may take (default 30 s). */
  startTimeoutMs?: number;
}

/**
 * A private Postgres from Debian's packages (as tools/services/services.sh starts one): initdb in
 * a temp dir, trust auth, fsync off, loopback only, on a free port.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = pgBinDir();
  const owner = pgUser();
  const dir = tempDir('pg', owner);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions', '--no-sync'], {
    stdio: 'ignore',
    ...(owner ?? {}),
  });
  const port = await freePort();
  const database = options.database ?? 'frontier';
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const url = `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const settings = { listen_addresses: '127.0.0.1', fsync: 'off', max_connections: '200', unix_socket_directories: dir, ...options.settings };
  // Object.assign (not a spread) keeps `running` a live getter
  const instance: PrivatePostgres = Object.assign(
    supervised({
      what: `private Postgres on port ${port} (log: ${dir}/postgres.log)`,
      log: join(dir, 'postgres.log'),
      launch: (log) =>
        spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
          stdio: ['ignore', log, log],
          ...(owner ?? {}),
        }),
      answers: () => pgAnswers(adminUrl),
      graceful: 'SIGINT', // "fast" shutdown
      abrupt: 'SIGQUIT', // "immediate" shutdown: no checkpoint, backends dropped at once
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
      dir,
    }),
    { kind: 'postgres' as const, port, url, adminUrl, database },
  );
  try {
    await instance.start();
    await ensureDatabase(url);
    if (options.migrate ?? true) await applyMigrations(url);
  } catch (e) {
    await instance.dispose();
    throw e;
  }
  return instance;
}

export async function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1_000, () => done(false));
    s.once('error', () => done(false));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
  });
}

export interface PrivateRedisOptions {
  /** `none` (default): a restart comes back empty; `aof`: append-only file, a restart keeps the keys. */
  persistence?: 'none' | 'aof';
  startTimeoutMs?: number;
}

/** A private redis-server on a free loopback port (no persistence unless asked). */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = tempDir('redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const persistence = options.persistence === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'no'] : ['--appendonly', 'no'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--dir', dir, '--daemonize', 'no'];
  const instance: PrivateRedis = Object.assign(
    supervised({
      what: `private Redis on port ${port} (log: ${dir}/redis.log)`,
      log: join(dir, 'redis.log'),
      launch: (log) => spawn('redis-server', args, { stdio: ['ignore', log, log] }),
      answers: () => redisAnswers(port),
      graceful: 'SIGTERM',
      abrupt: 'SIGKILL',
      startTimeoutMs: options.startTimeoutMs ?? 15_000,
      dir,
    }),
    { kind: 'redis' as const, port, url },
  );
  try {
    await instance.start();
  } catch (e) {
    await instance.dispose();
    throw e;
  }
  return instance;
}
