import { execFile, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, redisAnswers, supervised, tempDir, type PrivateRedis } from './private-services';

const run = promisify(execFile);

/**
 * A Redis Cluster of a test's own: `masters` redis-servers (`--cluster-enabled yes`, no replicas)
 * on free loopback ports, joined by `redis-cli --cluster create`, ready once every node reports
 * `cluster_state:ok`. Each node is a {@link PrivateRedis} (stop/kill/start one for fault tests; its
 * nodes.conf survives, so it rejoins with its slots, empty). The process exit hook of
 * private-services kills whatever a crashed test left running.
 */
export interface PrivateRedisCluster {
  readonly kind: 'redis-cluster';
  readonly nodes: readonly PrivateRedis[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`: the value of REDIS_CLUSTER_NODES. */
  readonly clusterNodes: string;
  /** `redis://127.0.0.1:p1`: the first node (credentials/TLS carrier for the client factory). */
  readonly url: string;
  /** `{ url, clusterNodes }`, what `createRedis()` of @frontier/platform-redis takes. */
  readonly target: { url: string; clusterNodes: string };
  readonly dir: string;
  /** Starts every stopped node and waits for `cluster_state:ok`. */
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  /** Resolves once every node says `cluster_state:ok` (throws after `timeoutMs`). */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** FLUSHALL on every master. */
  flush(): Promise<void>;
  /** Kills every node and removes the data dir. */
  dispose(): Promise<void>;
}

export interface PrivateRedisClusterOptions {
  /** Masters (default 3; Redis needs at least 3). */
  masters?: number;
  startTimeoutMs?: number;
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 });

async function clusterOk(port: number): Promise<boolean> {
  const { stdout } = await cli(port, 'cluster', 'info');
  return /cluster_state:ok/.test(stdout);
}

/** A free port whose cluster bus port is chosen separately (`--cluster-port`), both free now. */
async function portPair(): Promise<[number, number]> {
  return [await freePort(), await freePort()];
}

/** Starts a private {@link PrivateRedisCluster}; `dispose()` it in `afterAll`. */
/**
 * Starts the cluster, trying fresh ports up to three times when a node exits during start: a port
 * found free by `freePort` can be taken by a parallel test process before the node binds it.
 */
export async function startPrivateRedisCluster(options: PrivateRedisClusterOptions = {}): Promise<PrivateRedisCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce(options);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof Error) || !/exited during start/.test(e.message)) throw e;
    }
  }
}

async function startClusterOnce(options: PrivateRedisClusterOptions): Promise<PrivateRedisCluster> {
  const masters = options.masters ?? 3;
  if (masters < 3) throw new Error('a Redis Cluster needs at least 3 masters');
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = tempDir('redis-cluster');
  const nodes: PrivateRedis[] = [];
  for (let i = 0; i < masters; i++) {
    const [port, busPort] = await portPair();
    const nodeDir = join(dir, String(port));
    mkdirSync(nodeDir, { recursive: true });
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
      '--cluster-config-file', join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '2000',
      '--save', '', '--appendonly', 'no', '--dir', nodeDir, '--daemonize', 'no',
    ];
    nodes.push(
      Object.assign(
        supervised({
          what: `private Redis Cluster node on port ${port} (log: ${nodeDir}/redis.log)`,
          log: join(nodeDir, 'redis.log'),
          launch: (log) => spawn('redis-server', args, { stdio: ['ignore', log, log] }),
          answers: () => redisAnswers(port),
          graceful: 'SIGTERM',
          abrupt: 'SIGKILL',
          startTimeoutMs,
          dir: nodeDir,
        }),
        { kind: 'redis' as const, port, url: `redis://127.0.0.1:${port}` },
      ),
    );
  }
  const ports = nodes.map((n) => n.port);
  const clusterNodes = ports.map((p) => `127.0.0.1:${p}`).join(',');
  const url = `redis://127.0.0.1:${ports[0]}`;

  const waitHealthy = async (timeoutMs = startTimeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await Promise.all(ports.map((p) => clusterOk(p).catch(() => false)));
      if (ok.every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster ${clusterNodes} not cluster_state:ok within ${timeoutMs} ms (logs under ${dir})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const cluster: PrivateRedisCluster = {
    kind: 'redis-cluster',
    nodes,
    clusterNodes,
    url,
    target: { url, clusterNodes },
    dir,
    async start() {
      await Promise.all(nodes.map((n) => n.start()));
      await waitHealthy();
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
    async kill() {
      await Promise.all(nodes.map((n) => n.kill()));
    },
    waitHealthy,
    async flush() {
      await Promise.all(ports.map((p) => cli(p, 'flushall')));
    },
    async dispose() {
      await cluster.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all(nodes.map((n) => n.start()));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: startTimeoutMs });
    await waitHealthy();
  } catch (e) {
    await cluster.dispose();
    throw e;
  }
  return cluster;
}
