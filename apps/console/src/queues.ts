import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { bullPrefix } from '@frontier/platform-queue';
import { createRedis, scanKeys, type RedisClient, type RedisTarget } from '@frontier/platform-redis';

export const QUEUES_PATH = '/queues';

/** Every BullMQ queue under `prefix`, found by its `{<prefix>}:<name>:meta` key (no product named here; every master of a Cluster). */
export async function discoverQueues(redis: RedisClient, prefix: string): Promise<string[]> {
  const names = new Set<string>();
  const tagged = bullPrefix(prefix);
  // the hash tag's braces are glob-literal here: `{` and `}` are not special in SCAN's MATCH
  await scanKeys(redis, `${tagged}:*:meta`, async (keys) => {
    for (const k of keys) names.add(k.slice(tagged.length + 1, -':meta'.length));
  });
  return [...names].sort();
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer <token>` or HTTP Basic with the token as the password (what a browser prompts for). */
export function adminOnly(token: string) {
  const want = digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const h = req.headers.authorization ?? '';
    const given = h.startsWith('Bearer ') ? h.slice(7).trim() : h.startsWith('Basic ') ? Buffer.from(h.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':') : '';
    if (given && timingSafeEqual(digest(given), want)) return next();
    res.setHeader('www-authenticate', 'Basic realm="Frontier queues", charset="UTF-8"');
    res.status(401).json({ statusCode: 401, message: 'the queues need the admin token (user: admin, password: ADMIN_TOKEN)' });
  };
}

/**
 * Bull Board over every queue of the deployment, re-discovered every `refreshMs` (a scope's queue
 * appears once it has been used). Read-write: retry, promote and clean act on the real queues.
 */
export class QueuesBoard {
  readonly router: ReturnType<ExpressAdapter['getRouter']>;
  private readonly redis: RedisClient;
  private readonly queues = new Map<string, Queue>();
  private readonly board: ReturnType<typeof createBullBoard>;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    redis: RedisTarget | string,
    private readonly prefix: string,
    private readonly refreshMs = 15_000,
  ) {
    // a string target: REDIS_CLUSTER_NODES from the environment switches it to a Cluster client
    this.redis = createRedis(redis, { maxRetriesPerRequest: null, lazyConnect: true });
    const server = new ExpressAdapter();
    server.setBasePath(QUEUES_PATH);
    this.board = createBullBoard({ queues: [], serverAdapter: server, options: { uiConfig: { boardTitle: 'Frontier queues' } } });
    this.router = server.getRouter();
  }

  async start(): Promise<void> {
    await this.redis.connect();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  async refresh(): Promise<string[]> {
    const names = await discoverQueues(this.redis, this.prefix);
    let changed = false;
    for (const name of names)
      if (!this.queues.has(name)) {
        this.queues.set(name, new Queue(name, { connection: this.redis, prefix: bullPrefix(this.prefix) }));
        changed = true;
      }
    if (changed) this.board.replaceQueues([...this.queues.values()].map((q) => new BullMQAdapter(q)));
    return names;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const q of this.queues.values()) await q.close();
    this.redis.disconnect();
  }
}
