import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { RECSYS_EVENTS_STREAM, RecsysJobs, type RecsysBatchStored } from '@frontier/recsys-contracts';
import { EventRepository, ItemRepository, type EventInsert } from '@frontier/recsys-data-access';
import { SessionVelocityDetector, type EventType } from '@frontier/recsys-domain';
import type { EventBus } from '@frontier/platform-events';
import { EVENT_BUS } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';
import { InvalidInputError } from '@frontier/platform-util';
import { defaults, RECSYS_CONFIG, type RecsysConfig } from '../config';

/** An event as POST /v1/events sends it (validated by the DTO). */
export interface EventInput {
  eventId: string;
  userId: string;
  itemId: string;
  type: EventType;
  /** Watch events: seconds watched (required there, refused elsewhere). */
  watchSeconds?: number;
  surface?: string;
  /** The recommendation response that showed the item (`request_id` of POST /v1/recommendations). */
  requestId?: string;
  position?: number;
  propensity?: number;
  at: Date;
}

export interface IngestResult {
  /** Events in the request. */
  accepted: number;
  /** Stored now (durable when this answer is sent). */
  stored: number;
  /** Already stored under the same event id (a retry): ignored, the first write wins. */
  duplicates: number;
  /** Stored but flagged (bot heuristic): kept, excluded from features and training. */
  flagged: number;
  /** The batch the worker features (null when nothing was new). */
  batchId: string | null;
}

/** Event ingest: validated, stored durably in Postgres in one transaction, then featured by recsys-worker. */
@Injectable()
export class EventsService {
  private readonly log = new Logger(EventsService.name);
  private readonly velocity: RecsysConfig['velocity'];

  constructor(
    private readonly events: EventRepository,
    private readonly items: ItemRepository,
    private readonly jobs: JobQueue,
    @Inject(RECSYS_CONFIG) config: RecsysConfig,
    /** The app's event bus (PlatformModule provides it); without one the batch's feature job is queued directly. */
    @Optional() @Inject(EVENT_BUS) private readonly bus?: EventBus,
  ) {
    this.velocity = defaults(config).velocity;
  }

  /**
   * Stores a batch (all or nothing: any bad event refuses the whole batch, naming it) and answers
   * once Postgres has committed it. Then publishes it on the event bus (`recsys-events`: the
   * worker's `features` and `training` groups), or queues its feature job when there is no bus or
   * the bus cannot take it; when neither can, the answer is still a success (the events are stored)
   * and the reconciler queues it within a minute.
   */
  async ingest(tenantId: string, input: readonly EventInput[]): Promise<IngestResult> {
    input.forEach((e, i) => {
      if (e.type === 'watch' && e.watchSeconds === undefined) throw new InvalidInputError(`events.${i}.watch_seconds`, `events.${i}.watch_seconds is required for a watch event`);
      if (e.type !== 'watch' && e.watchSeconds !== undefined) throw new InvalidInputError(`events.${i}.watch_seconds`, `events.${i}.watch_seconds is only for watch events (this one is ${e.type})`);
    });
    const ids = [...new Set(input.map((e) => e.itemId))];
    const categories = await this.items.categories(tenantId, ids);
    input.forEach((e, i) => {
      if (!categories.has(e.itemId)) throw new InvalidInputError(`events.${i}.item_id`, `events.${i}.item_id "${e.itemId}" is not a known item (PUT /v1/items first)`);
    });
    const flags = this.flagBots(input);
    const rows: EventInsert[] = input.map((e, i) => ({
      eventId: e.eventId,
      userId: e.userId,
      itemId: e.itemId,
      category: categories.get(e.itemId) as string,
      type: e.type,
      watchSeconds: e.watchSeconds ?? null,
      surface: e.surface ?? null,
      requestId: e.requestId ?? null,
      position: e.position ?? null,
      propensity: e.propensity ?? null,
      at: e.at,
      flagged: flags.has(i),
      flagReason: flags.get(i) ?? null,
    }));
    const r = await this.events.insertBatch(tenantId, rows);
    if (r.batchId && !(await this.publishBatch({ tenantId, batchId: r.batchId }))) await this.queueFeatures(tenantId, r.batchId);
    return { accepted: input.length, stored: r.stored, duplicates: r.duplicates, flagged: flags.size, batchId: r.batchId };
  }

  /** Publishes a stored batch on `recsys-events` (id = batch id); false when there is no bus or it failed (logged). */
  private async publishBatch(m: RecsysBatchStored): Promise<boolean> {
    if (!this.bus) return false;
    try {
      await this.bus.publish(RECSYS_EVENTS_STREAM, { id: m.batchId, payload: m });
      return true;
    } catch (e) {
      this.log.warn(`batch ${m.batchId} stored, not published (${e instanceof Error ? e.message : String(e)}); its feature job is queued instead`);
      return false;
    }
  }

  /** Queues a stored batch for the feature pipeline; a Redis failure is logged (the reconciler finds the batch). */
  async queueFeatures(tenantId: string, batchId: string): Promise<boolean> {
    try {
      await this.jobs.enqueue(RecsysJobs.featureBatch, { tenantId, batchId });
      return true;
    } catch (e) {
      this.log.warn(`batch ${batchId} stored, its feature job not queued (${e instanceof Error ? e.message : String(e)}); the reconciler queues it`);
      return false;
    }
  }

  /**
   * The session-velocity bot heuristic (recsys-domain) over each user's events of the batch in time
   * order: index → reason for the events from the moment a user looks like a bot. Within one batch:
   * a bot spreading its events over many requests is left to the item CTR-spike check.
   */
  private flagBots(input: readonly EventInput[]): Map<number, string> {
    const detector = new SessionVelocityDetector(this.velocity);
    const order = input.map((_, i) => i).sort((a, b) => (input[a] as EventInput).at.getTime() - (input[b] as EventInput).at.getTime());
    const out = new Map<number, string>();
    for (const i of order) {
      const e = input[i] as EventInput;
      const v = detector.observe(e.userId, e.at.getTime(), e.type);
      if (v.bot) out.set(i, `bot: ${v.reasons.join('; ')}`);
    }
    return out;
  }
}
