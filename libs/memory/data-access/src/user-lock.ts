import type { PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';

/** First key of every per-user memory lock ('mem\0'): the advisory-lock space memory owns. */
const LOCK_SPACE = 0x6d656d00;

export interface UserLockOptions {
  /**
   * At most this many sections of this process hold (or wait on) a user's lock at once. Each
   * holds a pool connection for the lock's transaction and works on others: with every pool
   * connection holding a lock, the sections would wait for a connection forever. Default 3
   * (the pool has 10).
   */
  holders?: number;
  /** The lock is released (its transaction ends) after this long, whatever the section does. Default 120 s. */
  timeoutMs?: number;
}

/**
 * Per-user mutual exclusion, within this process and across every process on the database: a
 * Postgres advisory lock, `pg_advisory_xact_lock(space, hashtext(tenant, user))`, taken in a
 * transaction of its own that stays open while the section runs (its queries go through the
 * pool as usual, and see everything committed by the previous holder). Within the process,
 * sections of one user queue behind each other first, so a user waits on one connection, not
 * one per concurrent section. A hash collision only makes two users wait on each other.
 */
export class UserLocks {
  private readonly tails = new Map<string, Promise<void>>();
  private holding = 0;
  private readonly slots: Array<() => void> = [];
  private readonly holders: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly prisma: PrismaClient,
    o: UserLockOptions = {},
  ) {
    this.holders = Math.max(1, o.holders ?? 3);
    this.timeoutMs = o.timeoutMs ?? 120_000;
  }

  async run<T>(scope: MemoryScope, section: () => Promise<T>): Promise<T> {
    const key = JSON.stringify([scope.tenantId, scope.userId]);
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done = (): void => undefined;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await previous;
      await this.slot();
      try {
        return await this.locked(key, section);
      } finally {
        this.free();
      }
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private async locked<T>(key: string, section: () => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    await this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_SPACE}::int, hashtext(${key}))`;
        result = { value: await section() };
      },
      { maxWait: 30_000, timeout: this.timeoutMs },
    );
    if (!result) throw new Error('user lock: the section did not run');
    return result.value;
  }

  private async slot(): Promise<void> {
    if (this.holding < this.holders) {
      this.holding++;
      return;
    }
    // the slot is handed over by free() (holding stays the same)
    await new Promise<void>((resolve) => this.slots.push(resolve));
  }

  private free(): void {
    const next = this.slots.shift();
    if (next) next();
    else this.holding--;
  }
}
