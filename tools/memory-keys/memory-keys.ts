/**
 * Memory's keys (encryption at rest, issue 13):
 *
 *   npm run memory-keys -- rotate-master-key   re-wrap every user's data key under the current master key
 *   npm run memory-keys -- encrypt-backfill    seal rows written before encryption at rest (plaintext until then)
 *   npm run memory-keys -- status              data keys per master key id, plaintext rows left
 *
 * Reads DATABASE_URL, FRONTIER_MASTER_KEYS and FRONTIER_MASTER_KEY_CURRENT as memory-api and
 * memory-worker do. Rotation: list the old and the new key (`old:…,new:…`), make the new one
 * current, run rotate-master-key, restart the apps; once it reports, the old key can be removed.
 * No ciphertext is rewritten by a rotation; the backfill rewrites each plaintext row once.
 */
import { PrismaService } from '@frontier/platform-prisma';
import { MemoryCipher, MemoryKeyAdmin } from '@frontier/memory-data-access';

const USAGE = 'usage: npm run memory-keys -- rotate-master-key | encrypt-backfill | status';

async function main(argv: string[]): Promise<number> {
  const cmd = argv[0];
  if (!cmd || !['rotate-master-key', 'encrypt-backfill', 'status'].includes(cmd)) {
    console.error(USAGE);
    return 2;
  }
  const prisma = new PrismaService({ databaseUrl: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/frontier' });
  try {
    const cipher = MemoryCipher.fromEnv(prisma, process.env, (m) => console.error(`memory-keys: ${m}`));
    const admin = new MemoryKeyAdmin(prisma, cipher);
    if (cmd === 'rotate-master-key') {
      const r = await admin.rotateMasterKey();
      console.log(JSON.stringify({ command: cmd, ...r }));
    } else if (cmd === 'encrypt-backfill') {
      const r = await admin.backfill();
      console.log(JSON.stringify({ command: cmd, sealed: r }));
    } else {
      const keys = await prisma.memoryDataKey.groupBy({ by: ['masterKeyId'], _count: { _all: true } });
      const plain = await prisma.$queryRaw<Array<{ memories: bigint; events: bigint; turns: bigint; biographies: bigint }>>`
        SELECT (SELECT count(*) FROM memories WHERE text NOT LIKE 'fxe1:%') AS memories,
               (SELECT count(*) FROM memory_events WHERE previous_text NOT LIKE 'fxe1:%' OR new_text NOT LIKE 'fxe1:%' OR reason NOT LIKE 'fxe1:%') AS events,
               (SELECT count(*) FROM memory_turns WHERE text NOT LIKE 'fxe1:%') AS turns,
               (SELECT count(*) FROM biographies WHERE text NOT LIKE 'fxe1:%') AS biographies`;
      const p = plain[0];
      console.log(
        JSON.stringify({
          command: cmd,
          currentMasterKey: cipher.ring.kms.currentKeyId(),
          sealing: cipher.sealing,
          dataKeysByMasterKey: Object.fromEntries(keys.map((k) => [k.masterKeyId, k._count._all])),
          plaintextRows: p ? { memories: Number(p.memories), events: Number(p.events), turns: Number(p.turns), biographies: Number(p.biographies) } : null,
        }),
      );
    }
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`memory-keys: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
