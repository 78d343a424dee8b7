import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';

const EXPORT_TTL_S = 7 * 24 * 3600;

/** Mem0 exports kept 7 days in Redis, by id and as each user's latest. */
@Injectable()
export class Mem0ExportStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly settings: PlatformSettings,
  ) {}

  private key(tenantId: string, id: string) {
    return `${this.settings.redisPrefix}:mem0:export:${tenantId}:${id}`;
  }

  private latestKey(tenantId: string, userId: string) {
    return `${this.settings.redisPrefix}:mem0:export-latest:${tenantId}:${userId}`;
  }

  async save(tenantId: string, userId: string, id: string, doc: unknown): Promise<void> {
    await this.redis.multi().set(this.key(tenantId, id), JSON.stringify(doc), 'EX', EXPORT_TTL_S).set(this.latestKey(tenantId, userId), id, 'EX', EXPORT_TTL_S).exec();
  }

  async latestId(tenantId: string, userId: string): Promise<string | null> {
    return this.redis.get(this.latestKey(tenantId, userId));
  }

  async get(tenantId: string, id: string): Promise<Record<string, unknown> | null> {
    const raw = await this.redis.get(this.key(tenantId, id));
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
  }
}
