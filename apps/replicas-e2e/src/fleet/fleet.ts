/**
 * The fleet under test: two replicas of each API app (A and B) and one of each worker, all on one
 * Postgres and one Redis deployment. memory-api B runs in the replica namespace when there is one
 * (a separate host as far as the network goes), every other process on the host.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopbackLlmServer, type LoopbackLlmServer } from '@frontier/ml-llm';
import type { Netns } from './netns';
import { killAll, startHttpApp, startWorker, WORKSPACE, type HttpAppName, type HttpProc, type Proc, type WorkerName } from './processes';

export type Pair = readonly [HttpProc, HttpProc];

export interface Fleet {
  readonly memory: Pair;
  readonly recsys: Pair;
  readonly gateway: Pair;
  readonly workers: readonly Proc[];
  readonly llm: LoopbackLlmServer;
  readonly adminToken: string;
  readonly logDir: string;
  stop(): Promise<void>;
}

export interface FleetOptions {
  /** Names the log folder (reports/replicas/<label>). */
  label: string;
  /** Variables that point every process at Postgres and Redis (DATABASE_URL, REDIS_URL, REDIS_CLUSTER_NODES…). */
  env: Record<string, string>;
  /** memory-api B inside this namespace, with these variables instead of `env`'s connection ones. */
  netns?: { ns: Netns; env: Record<string, string> };
}

/** Shared by the replicas as a deployment shares them: the master keys and the erasure key. */
const SECRETS = {
  FRONTIER_MASTER_KEYS: `replicas:${randomBytes(32).toString('base64')}`,
  MEMORY_ERASURE_KEY: randomBytes(24).toString('hex'),
};

// prices far above real ones, so one short request spends a visible amount of a budget
const PRICE_TABLE = JSON.stringify({ '*': { text_input: 1000, text_output: 1000, image: 1000, audio: 1000, video: 1000 } });

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const t0 = Date.now();
  const logDir = join(WORKSPACE, 'reports', 'replicas', o.label);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const indexDir = mkdtempSync(join(tmpdir(), 'frontier-replicas-index-'));
  const llm = await startLoopbackLlmServer({ model: 'replica-llm' });
  const adminToken = randomBytes(24).toString('hex');
  const common = { ...SECRETS, ...o.env, NODE_ENV: 'production', REDIS_PREFIX: 'replicas', LOG_LEVEL: 'info' };
  const perApp: Record<HttpAppName | WorkerName, Record<string, string>> = {
    'memory-api': {},
    'memory-worker': {},
    // the 60 s poll is the fallback: a swap within seconds can only come from the change message
    'recsys-api': { RECSYS_INDEX_DIR: indexDir, RECSYS_MODEL_POLL_MS: '60000', RECSYS_EPSILON: '0.1', ADMIN_TOKEN: adminToken },
    'recsys-worker': { RECSYS_INDEX_DIR: indexDir },
    'chat-gateway': { UPSTREAM_BASE_URL: llm.baseUrl, UPSTREAM_MODEL: llm.model, // text-only traffic: encoders over Redis (no encoder-worker is asked), so no image model loads here
      ENCODERS: 'redis',
      GATEWAY_VISION: 'false',
      PRICE_TABLE,
    },
    'multimodal-worker': {},
  };
  const envOf = (app: HttpAppName | WorkerName) => ({ ...common, ...perApp[app] });
  const stop = async () => {
    await killAll();
    await llm.close().catch(() => undefined);
    rmSync(indexDir, { recursive: true, force: true });
  };
  try {
    const pair = (app: HttpAppName) =>
      Promise.all([
        startHttpApp(app, 'A', envOf(app), logDir),
        app === 'memory-api' && o.netns
          ? startHttpApp(app, 'B', { ...envOf(app), ...o.netns.env }, logDir, { netns: o.netns.ns.name, address: o.netns.ns.address.client })
          : startHttpApp(app, 'B', envOf(app), logDir),
      ]);
    // two waves, workers first (a rolling start): with all nine booting at once on two loaded cores,
    // workers on the Redis Cluster lost their first slot refresh (1 s timeout) and exited at boot
    // (docs/benchmarks/replicas.md); the six APIs tolerate a Redis that is not ready yet
    const workers = await Promise.all([
      startWorker('memory-worker', envOf('memory-worker'), logDir),
      startWorker('recsys-worker', envOf('recsys-worker'), logDir),
      startWorker('multimodal-worker', envOf('multimodal-worker'), logDir),
    ]);
    const [memory, recsys, gateway] = await Promise.all([pair('memory-api'), pair('recsys-api'), pair('chat-gateway')]);
    const all = [...memory, ...recsys, ...gateway, ...workers];
    console.log(`${o.label}: fleet ready in ${Date.now() - t0} ms (each from its own spawn: ${all.map((p) => `${p.name} ${p.readyMs} ms`).join(', ')})`);
    return { memory, recsys, gateway, workers, llm, adminToken, logDir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
