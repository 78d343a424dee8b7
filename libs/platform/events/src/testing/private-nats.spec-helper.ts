import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@frontier/platform-testing';

/** A nats-server with JetStream of a test's own (fault tests): stop, kill and start it again on the same port and store. */
export interface PrivateNats {
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

const NATS_SERVER = process.env['NATS_SERVER_BIN'] ?? (process.platform === 'linux' ? '/usr/sbin/nats-server' : 'nats-server');

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('data', (d) => done(d.toString().startsWith('INFO')));
    s.connect(port, '127.0.0.1');
  });
}

/** Starts `nats-server -js` on a free loopback port with its store in a temp dir (removed by dispose). */
export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-nats-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const up = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = () => child?.kill('SIGKILL');
  process.once('exit', kill);
  const self: PrivateNats = {
    port,
    url: `nats://127.0.0.1:${port}`,
    get running() {
      return up();
    },
    async start() {
      if (up()) return;
      const log = openSync(join(dir, 'nats.log'), 'a');
      child = spawn(NATS_SERVER, ['-js', '-sd', join(dir, 'store'), '-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', log, log] });
      closeSync(log);
      const deadline = Date.now() + 15_000;
      while (!(await answers(port))) {
        if (!up()) throw new Error(`nats-server exited during start (log: ${dir}/nats.log)`);
        if (Date.now() > deadline) throw new Error(`nats-server did not answer on ${port}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (!child || !up()) return;
      const c = child;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
    async dispose() {
      if (child && up()) {
        const c = child;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await exited;
      }
      process.off('exit', kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
