import { startPrivateRedisCluster, type PrivateRedisCluster } from '@frontier/platform-testing';
import { memoryChangesReachBoth, multimodalBudgetShared, multimodalRpmShared, platformLimitShared, recsysPromotionReachesBoth, syncAcrossReplicas, type World } from './checks';
import { startFleet } from './fleet/fleet';
import { createNetns, netnsUnavailable, type Netns } from './fleet/netns';
import { createTenant, startServices, type Services } from './fleet/services';
import { redisLinkCut } from './partition';

const LIMITS = { rpm: 4, dailyUsd: 0.01 };
/** Nine processes boot at once on a couple of cores: ~1.5 min on a quiet machine, 4 on a loaded one. */
const FLEET_START_MS = 420_000;
const NETNS_MISSING = netnsUnavailable();
if (NETNS_MISSING) console.warn(`replicas-e2e: memory-api B runs on the host and the Redis link cut is SKIPPED: ${NETNS_MISSING}`);

/** Phase 1's checks, the same for every Redis deployment. */
function replicaChecks(world: () => World): void {
  it('rate limits and budgets are shared: the platform per-key limit, the gateway RPM and daily budget count across A and B', async () => {
    await platformLimitShared(world());
    await multimodalRpmShared(world());
    await multimodalBudgetShared(world());
  });

  it("memory: a memory added through A is found by B's embedded index; deleted through B, A stops returning it", async () => {
    await memoryChangesReachBoth(world());
  });

  it('recsys: a model version promoted (and rolled back) through one replica is served by both within 5 s, without a restart', async () => {
    await recsysPromotionReachesBoth(world());
  });

  it("sync: a device connected to A's WebSocket receives the change made through B (and the other way round)", async () => {
    await syncAcrossReplicas(world());
  });
}

describe('stateless replicas: 2× memory-api, recsys-api and chat-gateway (loopback LLM upstream), 1× each worker, as real processes, traffic alternated A/B', () => {
  let ns: Netns | undefined;
  let services: Services | undefined;

  beforeAll(async () => {
    ns = NETNS_MISSING ? undefined : createNetns();
    services = await startServices(ns);
  }, 120_000);

  afterAll(async () => {
    await services?.dispose();
    ns?.dispose();
  }, 60_000);

  describe(`on one Postgres + one Redis; memory-api B ${NETNS_MISSING ? 'on the host' : 'in its own network namespace (Postgres and Redis over veth links)'}`, () => {
    let world: World | undefined;

    beforeAll(async () => {
      const s = services as Services;
      const keys = await createTenant(s.pg.url, 'replicas', LIMITS);
      const urls = s.urls;
      const fleet = await startFleet({
        label: 'redis',
        env: { DATABASE_URL: urls.host.db, REDIS_URL: urls.host.redis },
        ...(ns && urls.netns ? { netns: { ns, env: { DATABASE_URL: urls.netns.db, REDIS_URL: urls.netns.redis } } } : {}),
      });
      world = { fleet, keys, dbUrl: s.pg.url };
    }, FLEET_START_MS);

    afterAll(async () => {
      await world?.fleet.stop();
    }, 60_000);

    replicaChecks(() => world as World);

    (NETNS_MISSING ? it.skip : it)(
      `partition: B's link to Redis cut for 6 s — B answers 2xx, or 503 with Retry-After, within 15 s (never a 500, never a hang) and says not ready; A keeps writing; after, B recovers and finds what A wrote${NETNS_MISSING ? ` [SKIPPED: ${NETNS_MISSING}]` : ''}`,
      async () => {
        await redisLinkCut(world as World, ns as Netns);
      },
    );
  });

  describe('on one Postgres + a Redis Cluster (3 masters, REDIS_CLUSTER_NODES); every replica on the host', () => {
    let cluster: PrivateRedisCluster | undefined;
    let world: World | undefined;

    beforeAll(async () => {
      const s = services as Services;
      cluster = await startPrivateRedisCluster();
      const keys = await createTenant(s.pg.url, 'replicas-cluster', LIMITS);
      const fleet = await startFleet({ label: 'cluster', env: { DATABASE_URL: s.pg.url, REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.clusterNodes } });
      world = { fleet, keys, dbUrl: s.pg.url };
    }, FLEET_START_MS);

    afterAll(async () => {
      await world?.fleet.stop();
      await cluster?.dispose();
    }, 60_000);

    replicaChecks(() => world as World);
  });
});
