import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Logger, type LoggerService } from '@nestjs/common';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { loadEnv, PlatformEnv } from '@frontier/platform-config';
import { PrismaService } from '@frontier/platform-prisma';
import { isFrontierError } from '@frontier/platform-util';
import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
import { ModelVersionsRepository, TrainingLogRepository, TrainingRunsRepository, type LiveChange } from '@frontier/recsys-data-access';
import { ModelRegistryService, TrainingService, windowEndFor } from '@frontier/recsys-nest';

export const USAGE = `usage: npm run recsys -- <command> --tenant <uuid> [options]

commands:
  rollback   make the version live before the current one live again (repeat to go further back)
  promote    make --version <n> live by hand (a version the gate rejected only with --force)
  versions   list the versions (newest first) and the promotion log
  train      run one training run now: --mode head|full [--window-end <ISO>, default the last closed hour/day]
  gate       run the eval gate on candidate --version <n> [--window-end <ISO>, default now]

options:
  --kind <kind>       model kind (default ${RECSYS_MODEL_KIND})
  --reason <text>     recorded in the promotion log
  --json              one JSON document on stdout
Reads DATABASE_URL, REDIS_URL and REDIS_PREFIX as recsys-worker does; API replicas hear of a
promotion or rollback on Redis at once, and poll Postgres in any case.`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class UsageError extends Error {}

function change(c: LiveChange): Record<string, unknown> {
  return { action: c.action, tenantId: c.tenantId, kind: c.kind, from: c.from ? { id: c.from.id, version: c.from.version } : null, to: { id: c.to.id, version: c.to.version }, reason: c.reason, at: c.at.toISOString() };
}

/**
 * The `recsys` command (model registry operations). Returns the exit code: 0 done, 1 refused or
 * failed (the message says why), 2 bad usage.
 */
export async function runRecsysCli(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        kind: { type: 'string', default: RECSYS_MODEL_KIND },
        version: { type: 'string' },
        reason: { type: 'string' },
        mode: { type: 'string' },
        'window-end': { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        limit: { type: 'string', default: '20' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const command = positionals[0];
  if (v.help || !command) {
    (v.help ? io.out : io.err)(USAGE);
    return v.help ? 0 : 2;
  }
  // stdout is the command's answer (one JSON document with --json): the libraries' logs go to stderr
  const quiet: LoggerService = { log: () => undefined, warn: (m: unknown) => io.err(String(m)), error: (m: unknown) => io.err(String(m)) };
  Logger.overrideLogger(quiet);
  let prisma: PrismaService | null = null;
  let redis: RedisClient | null = null;
  try {
    if (!['rollback', 'promote', 'versions', 'train', 'gate'].includes(command)) throw new UsageError(`unknown command "${command}"`);
    if (!v.tenant || !UUID.test(v.tenant)) throw new UsageError('--tenant <uuid> is required');
    const tenantId = v.tenant;
    const kind = v.kind as string;
    const version = (): number => {
      const n = Number(v.version);
      if (!v.version || !Number.isInteger(n) || n < 1) throw new UsageError('--version <n> (a positive integer) is required');
      return n;
    };
    const windowEnd = (fallback: Date): Date => {
      if (!v['window-end']) return fallback;
      const d = new Date(v['window-end']);
      if (Number.isNaN(d.getTime())) throw new UsageError(`--window-end "${v['window-end']}" is not an ISO date`);
      return d;
    };
    const settings = loadEnv(PlatformEnv, env, 'recsys');
    prisma = new PrismaService({ databaseUrl: settings.DATABASE_URL });
    await prisma.onModuleInit();
    redis = createRedis({ url: settings.REDIS_URL, clusterNodes: settings.REDIS_CLUSTER_NODES }, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    await redis.connect().catch((e: Error) => {
      io.err(`warning: Redis unreachable (${e.message}): replicas will see the change by polling`);
      redis?.disconnect();
      redis = null;
    });
    const versions = new ModelVersionsRepository(prisma);
    const registry = new ModelRegistryService(versions, redis, settings.REDIS_PREFIX);
    const print = (doc: Record<string, unknown>, text: string[]) => (v.json ? io.out(JSON.stringify(doc)) : text.forEach((l) => io.out(l)));
    const describe = (c: LiveChange) => `${c.action}: ${c.tenantId}/${c.kind} v${c.from?.version ?? '-'} -> v${c.to.version} live (${c.to.id})`;

    if (command === 'rollback') {
      const c = await registry.rollback(tenantId, kind, v.reason ?? 'rollback command');
      print(change(c), [describe(c)]);
    } else if (command === 'promote') {
      const c = await registry.promoteVersion(tenantId, kind, version(), { force: v.force as boolean, reason: v.reason ?? 'promote command' });
      print(change(c), [describe(c)]);
    } else if (command === 'versions') {
      const list = await registry.list(tenantId, kind, Math.max(1, Number(v.limit) || 20));
      const log = await registry.promotions(tenantId, kind);
      const gate = (m: Record<string, unknown>) => (m['gate'] as { decision?: string } | undefined)?.decision ?? '';
      print(
        { versions: list.map((x) => ({ id: x.id, version: x.version, state: x.state, createdAt: x.createdAt, promotedAt: x.promotedAt, gate: gate(x.metrics) })), promotions: log },
        [
          ...list.map((x) => `v${x.version}\t${x.state}\t${x.createdAt.toISOString()}\t${gate(x.metrics)}\t${x.id}`),
          ...log.map((p) => `#${p.id}\t${p.action}\t${p.fromVersionId ?? '-'} -> ${p.toVersionId}\t${p.undoneAt ? 'undone' : ''}\t${p.reason}`),
        ],
      );
    } else {
      const training = new TrainingService(prisma, new TrainingRunsRepository(prisma), new TrainingLogRepository(prisma), registry, { kind });
      if (command === 'train') {
        if (v.mode !== 'head' && v.mode !== 'full') throw new UsageError('--mode head|full is required');
        const out = await training.train({ tenantId, mode: v.mode, windowEnd: windowEnd(windowEndFor(v.mode, new Date())) });
        print(out as unknown as Record<string, unknown>, [JSON.stringify(out)]);
      } else {
        const target = await versions.byVersion(tenantId, kind, version());
        if (!target) throw new UsageError(`tenant ${tenantId} has no ${kind} version ${v.version}`);
        const out = await training.gateVersion({ tenantId, versionId: target.id, windowEnd: windowEnd(new Date()) });
        print(out, [`v${out.version} ${out.decision}${out.reasons.length ? `: ${out.reasons.join('; ')}` : ''}`]);
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(isFrontierError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    if (redis) await (redis as RedisClient).quit().catch(() => undefined);
    if (prisma) await prisma.onModuleDestroy();
  }
}

if (require.main === module) {
  void runRecsysCli(process.argv.slice(2)).then((code) => process.exit(code));
}
