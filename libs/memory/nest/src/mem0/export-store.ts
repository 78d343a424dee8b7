import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from '@frontier/platform-redis';
import type { MemoryScope } from '@frontier/memory-contracts';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { ErasableCache } from '../services/erasure-caches';

const EXPORT_TTL_S = 7 * 24 * 3600;

/**
 * Mem0 exports kept 7 days in Redis, by id and as each user's latest; each user's export ids are
 * listed in a set so that an erasure of any of the user's facts removes every export of the user
 * (they hold the texts; a client creates them again). The tenant is a hash tag in every key: a save
 * (MULTI) and a purge (one DEL) touch three keys at once, which Redis Cluster allows only in one slot.
 */
@Injectable()
export class Mem0ExportStore extends ErasableCache {
  readonly name = 'redis: mem0 exports';

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly settings: PlatformSettings,
  ) {
    super();
  }

  private key(tenantId: string, id: string) {
    return `${this.settings.redisPrefix}:mem0:export:{${tenantId}}:${id}`;
  }

  private latestKey(tenantId: string, userId: string) {
    return `${this.settings.redisPrefix}:mem0:export-latest:{${tenantId}}:${userId}`;
  }

  private userKey(tenantId: string, userId: string) {
    return `${this.settings.redisPrefix}:mem0:export-ids:{${tenantId}}:${userId}`;
  }

  async save(tenantId: string, userId: string, id: string, doc: unknown): Promise<void> {
    await this.redis
      .multi()
      .set(this.key(tenantId, id), JSON.stringify(doc), 'EX', EXPORT_TTL_S)
      .set(this.latestKey(tenantId, userId), id, 'EX', EXPORT_TTL_S)
      .sadd(this.userKey(tenantId, userId), id)
      .expire(this.userKey(tenantId, userId), EXPORT_TTL_S)
      .exec();
  }

  async latestId(tenantId: string, userId: string): Promise<string | null> {
    return this.redis.get(this.latestKey(tenantId, userId));
  }

  async get(tenantId: string, id: string): Promise<Record<string, unknown> | null> {
    const raw = await this.redis.get(this.key(tenantId, id));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  }

  /** Every export of the user, its latest pointer and its id set; returns the keys removed. */
  async purge(scope: MemoryScope): Promise<number> {
    const ids = await this.redis.smembers(this.userKey(scope.tenantId, scope.userId));
    const keys = [...ids.map((id) => this.key(scope.tenantId, id)), this.latestKey(scope.tenantId, scope.userId), this.userKey(scope.tenantId, scope.userId)];
    return this.redis.del(...keys);
  }
}
