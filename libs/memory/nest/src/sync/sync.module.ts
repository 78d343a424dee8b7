import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { MemorySettingsService } from '../services/settings.service';
import { SyncBus } from './sync-bus';
import { SyncHub } from './sync.hub';
import { SyncService } from './sync.service';

/**
 * Publishes every committed change of this process on the sync bus (after the commit, with the
 * memories' current state), so devices connected to any process get it live. A failed publish
 * loses nothing: devices catch up from Postgres on their next push or reconnect.
 */
@Injectable()
export class SyncPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('SyncPublisher');
  private off: (() => void) | undefined;

  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    private readonly bus: SyncBus,
    private readonly sync: SyncService,
  ) {}

  onModuleInit(): void {
    this.off = this.ctx.memories.sync.onCommitted((scope, changes) => {
      this.sync
        .message(scope, changes)
        .then((m) => this.bus.publish(m))
        .catch((e: unknown) => this.log.warn(`sync push not published (devices catch up from Postgres): ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  onModuleDestroy(): void {
    this.off?.();
  }
}

/** Sync's providers (and the tenant settings service), part of MemoryModule (memory-api serves devices; every process publishes). */
export const SYNC_PROVIDERS: Provider[] = [
  {
    provide: SyncBus,
    inject: [REDIS, PlatformSettings],
    useFactory: (redis: Redis, settings: PlatformSettings) => new SyncBus(redis, `${settings.redisPrefix}:memory:sync`),
  },
  SyncService,
  SyncPublisher,
  SyncHub,
  // issue 13's other addition without a module of its own: per-tenant memory settings (sensitive policy)
  MemorySettingsService,
];

export const SYNC_EXPORTS = [SyncBus, SyncService, SyncHub, MemorySettingsService];
