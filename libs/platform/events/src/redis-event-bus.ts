import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { duplicateClient, hashTag, type RedisClient } from '@frontier/platform-redis';
import { asUnavailable, InvalidInputError } from '@frontier/platform-util';
import {
  brokerUnavailable,
  checkId,
  checkName,
  errorText,
  EVENT_DEFAULTS,
  resolvedConsumeOptions,
  type ConsumeOptions,
  type Consumer,
  type EventBusOptions,
  type EventHandler,
  type EventMessage,
  type PublishOptions,
  type PublishResult,
} from './event-bus';
import { BaseEventBus, handleDelivery, InFlight, notify, sleep } from './runner';

// KEYS[1] stream, KEYS[2] the id's dedup key (same hash slot: `{stream}`); ARGV window ms, max length, id, payload
const PUBLISH = `
local seen = redis.call('GET', KEYS[2])
if seen then return {1, seen} end
local seq = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[3], 'p', ARGV[4])
redis.call('SET', KEYS[2], seq, 'PX', ARGV[1])
return {0, seq}`;
const PUBLISH_SHA = createHash('sha1').update(PUBLISH).digest('hex');

type Entry = [id: string, fields: string[]];

function fieldsOf(fields: string[]): { id: string; payload: unknown } {
  const get = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
  return { id: get('id'), payload: JSON.parse(get('p')) as unknown };
}

/**
 * The default event bus on Redis Streams. A stream is one key `<prefix>:events:{<stream>}` (the
 * hash tag keeps a stream, its dedup keys and groups on one Cluster slot), trimmed with MAXLEN ~.
 * Publish is one script: the id's dedup key (SET with PX) and the XADD, atomically, so a retried
 * publish is appended once. Groups are XREADGROUP consumer groups: XACK after the handler; entries
 * pending longer than the ack wait (a dead consumer, a failed handler) are taken over with
 * XAUTOCLAIM by any consumer of the group; a running handler keeps its entries with XCLAIM JUSTID.
 * Fan-out subscribers XREAD from the stream's end. `publisher` is the app's request-path client
 * (fails fast: publish answers 503); each consumer blocks on a duplicate of it.
 */
export class RedisEventBus extends BaseEventBus {
  readonly kind = 'redis' as const;
  private readonly o: Required<Omit<EventBusOptions, 'log'>>;
  private readonly owned = new Set<RedisClient>();
  private commands: RedisClient | undefined;

  constructor(
    private readonly publisher: RedisClient,
    options: EventBusOptions,
  ) {
    super(options.log ?? (() => undefined));
    this.o = { ...EVENT_DEFAULTS, ...options };
  }

  key(stream: string): string {
    return `${this.o.prefix}:events:${hashTag(checkName('stream', stream))}`;
  }

  async publish<T>(stream: string, message: EventMessage<T>, options: PublishOptions = {}): Promise<PublishResult> {
    const key = this.key(stream);
    const id = checkId(message.id);
    const payload = JSON.stringify(message.payload);
    if (payload === undefined) throw new InvalidInputError('payload', 'payload must be JSON');
    const args = [2, key, `${key}:seen:${id}`, this.o.dedupWindowMs, options.maxLen ?? this.o.maxLen, id, payload] as const;
    try {
      const r = (await this.publisher.evalsha(PUBLISH_SHA, ...args).catch((e: unknown) => {
        if (errorText(e).includes('NOSCRIPT')) return this.publisher.eval(PUBLISH, ...args);
        throw e;
      })) as [number, string];
      return { seq: r[1], duplicate: r[0] === 1 };
    } catch (e) {
      throw asUnavailable(e, 'redis') ?? brokerUnavailable('redis', e);
    }
  }

  async consume<T>(stream: string, group: string, handler: EventHandler<T>, options?: ConsumeOptions): Promise<Consumer> {
    const key = this.key(stream);
    checkName('group', group);
    const o = resolvedConsumeOptions(options);
    const reader = this.connection();
    const commands = this.commandClient();
    await this.ensureGroup(reader, key, group);
    const me = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const inflight = new InFlight(o.concurrency);
    let stopping = false;
    const dispatch = (entries: Entry[], deliveries: Map<string, number>) => {
      for (const [seq, fields] of entries) {
        const { id, payload } = fieldsOf(fields);
        const event = { stream, id, payload: payload as T, deliveries: deliveries.get(seq) ?? 1 };
        inflight.run(() =>
          handleDelivery(
            {
              event,
              ack: async () => void (await commands.xack(key, group, seq)),
              retry: async () => undefined, // left pending: XAUTOCLAIM takes it once idle past the ack wait
              progress: async () => void (await commands.call('XCLAIM', key, group, me, 0, seq, 'JUSTID')),
              stopping: () => stopping,
            },
            group,
            handler,
            o,
            this.deadLetter,
            this.log,
          ),
        );
      }
    };
    const loop = async () => {
      let claimFrom = '0-0';
      let lastClaim = 0;
      while (!stopping && !this.closed) {
        await inflight.slot();
        if (stopping) break;
        try {
          if (Date.now() - lastClaim >= Math.min(o.ackWaitMs / 2, 5_000)) {
            const [next, claimed] = (await reader.xautoclaim(key, group, me, o.ackWaitMs, claimFrom, 'COUNT', inflight.free)) as [string, Entry[]];
            claimFrom = next;
            if (next === '0-0') lastClaim = Date.now();
            const live = claimed.filter((c) => Array.isArray(c) && c[1]);
            if (live.length) {
              dispatch(live, await this.deliveries(reader, key, group, me, live));
              continue;
            }
          }
          const got = (await reader.xreadgroup('GROUP', group, me, 'COUNT', inflight.free, 'BLOCK', this.o.pollMs, 'STREAMS', key, '>')) as Array<[string, Entry[]]> | null;
          if (got?.[0]) dispatch(got[0][1], new Map());
        } catch (e) {
          if (stopping || this.closed) break;
          this.log(`events: ${stream}/${group} read failed (${errorText(e)}); retrying`);
          if (errorText(e).includes('NOGROUP')) await this.ensureGroup(reader, key, group).catch(() => undefined);
          await sleep(this.o.pollMs);
        }
      }
    };
    const running = loop();
    return this.track(async () => {
      stopping = true;
      await running;
      await inflight.drain();
      await this.release(reader);
    });
  }

  async subscribe<T>(stream: string, handler: EventHandler<T>): Promise<Consumer> {
    const key = this.key(stream);
    const reader = this.connection();
    const last = (await reader.xrevrange(key, '+', '-', 'COUNT', 1)) as Entry[];
    let from = last[0]?.[0] ?? '0-0';
    let stopping = false;
    const loop = async () => {
      while (!stopping && !this.closed) {
        try {
          const got = (await reader.xread('COUNT', 100, 'BLOCK', this.o.pollMs, 'STREAMS', key, from)) as Array<[string, Entry[]]> | null;
          for (const [seq, fields] of got?.[0]?.[1] ?? []) {
            from = seq;
            const { id, payload } = fieldsOf(fields);
            await notify(handler, { stream, id, payload: payload as T, deliveries: 1 }, this.log);
          }
        } catch (e) {
          if (stopping || this.closed) break;
          this.log(`events: subscription to ${stream} failed (${errorText(e)}); retrying`);
          await sleep(this.o.pollMs);
        }
      }
    };
    const running = loop();
    return this.track(async () => {
      stopping = true;
      await running;
      await this.release(reader);
    });
  }

  /** Drops every connection the bus opened without draining or acking: what a crash leaves (tests, the bench's kill run). */
  abort(): void {
    this.closed = true;
    for (const c of this.owned) c.disconnect();
    this.owned.clear();
  }

  protected async disconnect(): Promise<void> {
    await Promise.all([...this.owned].map((c) => this.release(c)));
  }

  /** Delivery counts of entries just claimed (XAUTOCLAIM counted this delivery). */
  private async deliveries(redis: RedisClient, key: string, group: string, me: string, entries: Entry[]): Promise<Map<string, number>> {
    const ids = entries.map((e) => e[0]);
    const rows = (await redis.xpending(key, group, ids[0] as string, ids[ids.length - 1] as string, ids.length * 2, me)) as Array<[string, string, number, number]>;
    return new Map(rows.map((r) => [r[0], Number(r[3])]));
  }

  private async ensureGroup(redis: RedisClient, key: string, group: string): Promise<void> {
    try {
      await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    } catch (e) {
      if (!errorText(e).includes('BUSYGROUP')) throw asUnavailable(e, 'redis') ?? e;
    }
  }

  /** A connection of the bus's own: waits for Redis while it is down (no command timeout: reads block). */
  private connection(): RedisClient {
    if (this.closed) throw new Error('the event bus is closed');
    const c = duplicateClient(this.publisher, { enableOfflineQueue: true, commandTimeout: undefined, maxRetriesPerRequest: null, lazyConnect: false });
    c.on('error', () => undefined); // reconnects on its own; the loops log what fails
    this.owned.add(c);
    return c;
  }

  private commandClient(): RedisClient {
    this.commands ??= this.connection();
    return this.commands;
  }

  private async release(c: RedisClient): Promise<void> {
    if (!this.owned.delete(c)) return;
    if (c === this.commands) this.commands = undefined;
    await c.quit().catch(() => c.disconnect());
  }
}
