/**
 * Mem0 filters (issue 14, item 6): latency of a getAll page (100 rows) under Mem0 filters compiled
 * to SQL — what memory-api runs (`shipped`) — over a tenant of U users × N memories with client
 * metadata. Baselines in the same run: the same page narrowed by user only (`user-only`, what the
 * route ran before filters), and the alternative we did not take — metadata kept encrypted and
 * filtered in the process (`in-process`: every row of the user read and filtered in JS; the
 * decryption it would also need is not counted, so it is a lower bound).
 *
 *   node -r @swc-node/register bench/memory/mem0-filters.ts [--users 20] [--per-user 1000] [--queries 200]
 */
import 'reflect-metadata';
import { FilteredMemories, MemoryCipher, type FilterNode } from '@frontier/memory-data-access';
import { benchArgs, noPositionalArgs, printHeadline, round } from '../lib/harness';
import { openBenchDb, percentile } from './lib/bench-db';

noPositionalArgs('bench/memory/mem0-filters.ts [--users 20] [--per-user 1000] [--queries 200]');
const { flags } = benchArgs();
const USERS = Number(flags.get('users') ?? 20);
const PER_USER = Number(flags.get('per-user') ?? 1000);
const QUERIES = Number(flags.get('queries') ?? 200);

const SOURCES = ['email', 'chat', 'calendar', 'intake form'];
const TYPES = ['preference', 'health', 'context', 'work'];
let seed = 14;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

type Row = { id: string; user_metadata: { source?: string; priority?: number } | null; type: string; valid_at: Date };

async function main() {
  const db = await openBenchDb('mem0_filters');
  try {
    const { prisma, tenantId } = db;
    for (let u = 0; u < USERS; u++) {
      const sessions = await Promise.all(
        ['bot-1', 'bot-2', null].map((agentId, i) => prisma.memorySession.create({ data: { tenantId, userId: `u${u}`, externalId: `run-${i}#x`, agentId, sourceHash: 'h', startedAt: new Date() } })),
      );
      await prisma.memory.createMany({
        data: Array.from({ length: PER_USER }, (_, i) => ({
          tenantId,
          userId: `u${u}`,
          text: `fact ${i}`,
          type: pick(TYPES),
          confidence: 0.9,
          sourceHash: 'h',
          extractor: 'bench',
          sessionId: pick(sessions).id,
          userMetadata: { source: pick(SOURCES), priority: Math.floor(rand() * 6), tags: [pick(['a', 'b', 'c'])] },
          validAt: new Date(Date.now() - Math.floor(rand() * 1e10)),
        })),
      });
    }
    await prisma.$executeRawUnsafe('ANALYZE "memories"');
    const filtered = new FilteredMemories(prisma, MemoryCipher.fromEnv(prisma, process.env, () => undefined));
    const user = (i: number) => `u${i % USERS}`;
    const filters: Record<string, (u: string) => FilterNode> = {
      'metadata-and': (u) => ({ and: [{ field: 'user_id', op: 'eq', value: u }, { field: 'metadata', key: 'source', op: 'eq', value: 'email' }, { field: 'metadata', key: 'priority', op: 'gte', value: 3 }] }),
      'or-user-agent': (u) => ({ or: [{ field: 'user_id', op: 'eq', value: u }, { field: 'agent_id', op: 'eq', value: 'bot-2' }] }),
      'not-categories': (u) => ({ and: [{ field: 'user_id', op: 'eq', value: u }, { not: [{ field: 'categories', op: 'in', value: ['health'] }] }] }),
      'icontains': (u) => ({ and: [{ field: 'user_id', op: 'eq', value: u }, { field: 'metadata', key: 'source', op: 'icontains', value: 'AL' }] }),
      // no user: across the tenant, served by the metadata GIN index (eq compiles to containment)
      'tenant-metadata-eq': () => ({ and: [{ field: 'metadata', key: 'source', op: 'eq', value: 'intake form' }, { field: 'metadata', key: 'priority', op: 'eq', value: 5 }] }),
    };
    const time = async (fn: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 10; i++) await fn(i);
      const ms: number[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const t = process.hrtime.bigint();
        await fn(i);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return { p50Ms: round(percentile(ms, 50), 2), p95Ms: round(percentile(ms, 95), 2) };
    };
    const at = new Date();
    const rows: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(filters)) rows[`shipped:${name}`] = await time((i) => filtered.page(tenantId, at, f(user(i)), { page: 1, pageSize: 100 }));
    rows['user-only'] = await time((i) => filtered.page(tenantId, at, { field: 'user_id', op: 'eq', value: user(i) }, { page: 1, pageSize: 100 }));
    rows['in-process:metadata-and'] = await time(async (i) => {
      const all = await prisma.$queryRaw<Row[]>`SELECT "id", "user_metadata", "type", "valid_at" FROM "memories" WHERE "tenant_id" = ${tenantId}::uuid AND "user_id" = ${user(i)} AND "deleted_at" IS NULL`;
      const kept = all.filter((r) => r.user_metadata?.source === 'email' && (r.user_metadata.priority ?? -1) >= 3).sort((a, b) => b.valid_at.getTime() - a.valid_at.getTime());
      return filtered.load(kept.slice(0, 100).map((r) => r.id));
    });
    for (const [k, v] of Object.entries(rows)) process.stdout.write(`${k.padEnd(28)} ${JSON.stringify(v)}\n`);
    printHeadline('memory-mem0-filters', { users: USERS, perUser: PER_USER, rows: USERS * PER_USER, pageSize: 100, queries: QUERIES, shipped: rows['shipped:metadata-and'], methods: rows });
  } finally {
    await db.close();
  }
}

void main();
