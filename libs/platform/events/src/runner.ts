import { FrontierError } from '@frontier/platform-util';
import {
  deadLetterStream,
  errorText,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type DeliveredEvent,
  type EventBus,
  type EventBusKind,
  type EventHandler,
  type EventMessage,
  type PublishOptions,
  type PublishResult,
} from './event-bus';

/** At most `limit` tasks at once; `drain` waits for the running ones. */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get size(): number {
    return this.running.size;
  }

  get free(): number {
    return Math.max(0, this.limit - this.running.size);
  }

  /** Resolves once fewer than `limit` tasks run. */
  async slot(): Promise<void> {
    while (this.running.size >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
  }

  run(task: () => Promise<void>): void {
    const p: Promise<void> = task()
      .catch(() => undefined)
      .finally(() => {
        this.running.delete(p);
        this.waiters.shift()?.();
      });
    this.running.add(p);
  }

  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

/** One delivery of a group message, as an adapter exposes it to {@link handleDelivery}. */
export interface Delivery<T> {
  event: DeliveredEvent<T>;
  ack(): Promise<void>;
  /** The handler failed: deliver it again after the ack wait (Redis: left pending; JetStream: nak with delay). */
  retry(): Promise<void>;
  /** The handler is still running: restart the ack-wait clock. */
  progress(): Promise<void>;
  /** True once the consumer is stopping: a handler that asked to be run again soon is handed back to the broker instead. */
  stopping?: () => boolean;
}

/** In-process reruns of a handler that failed with a short `retryAfterS` (see {@link handleDelivery}). */
export const SOON_RERUNS = 3;

/**
 * How long to wait before running a handler again in-process: a transient `unavailable` error
 * that says when to come back (a tenant being rebuilt, a lock held a few seconds) is retried after
 * its `retryAfterS`, at most the ack wait; anything else goes back to the broker's ack-wait redelivery.
 */
export function rerunAfterMs(err: unknown, ackWaitMs: number): number | undefined {
  if (!(err instanceof FrontierError) || err.category !== 'unavailable') return undefined;
  const s = err.retryAfterS;
  if (s === undefined || !Number.isFinite(s) || s <= 0) return undefined;
  return Math.min(s * 1000, ackWaitMs);
}

/** Sleeps `ms`, waking early once `stopping()` turns true. */
async function pause(ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stopping() && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
}

export type DeadLetterFn = (group: string, event: DeliveredEvent<unknown>, error: string) => Promise<void>;

/**
 * The group-delivery rules both adapters share: a message delivered more than `maxDeliver` times
 * (its consumers died mid-handler) is dead-lettered without running; the handler runs with a
 * progress signal every third of the ack wait; success acks; a transient `unavailable` failure
 * with a `retryAfterS` is run again in-process after that delay (up to {@link SOON_RERUNS} times,
 * the progress signal keeping the message; not while the consumer stops), so a short hold does
 * not cost a whole ack wait; other failures retry, or dead-letter and ack on the last allowed run.
 * Broker errors while acking are logged: the message comes back.
 */
export async function handleDelivery<T>(
  d: Delivery<T>,
  group: string,
  handler: EventHandler<T>,
  o: Required<ConsumeOptions>,
  deadLetter: DeadLetterFn,
  log: (m: string) => void,
): Promise<void> {
  const e = d.event;
  const stopping = d.stopping ?? (() => false);
  try {
    if (e.deliveries > o.maxDeliver) {
      await deadLetter(group, e, `delivered ${e.deliveries} times without an ack (its consumers stopped mid-handler)`);
      return await d.ack();
    }
    const timer = setInterval(() => void d.progress().catch(() => undefined), Math.max(50, Math.floor(o.ackWaitMs / 3)));
    try {
      for (let rerun = 0; ; rerun++) {
        try {
          await handler(e);
          break;
        } catch (err) {
          const soon = rerunAfterMs(err, o.ackWaitMs);
          if (soon !== undefined && rerun < SOON_RERUNS && !stopping()) {
            log(`events: ${e.stream}/${group} message ${e.id} failed (${errorText(err)}); run again in ${soon} ms`);
            await pause(soon, stopping);
            if (!stopping()) continue;
          }
          if (e.deliveries >= o.maxDeliver) {
            await deadLetter(group, e, errorText(err));
            return await d.ack();
          }
          log(`events: ${e.stream}/${group} message ${e.id} failed (delivery ${e.deliveries} of ${o.maxDeliver}): ${errorText(err)}; delivered again after the ack wait`);
          return await d.retry();
        }
      }
    } finally {
      clearInterval(timer);
    }
    await d.ack();
  } catch (err) {
    log(`events: ${e.stream}/${group} message ${e.id}: ack failed (${errorText(err)}); it will be delivered again`);
  }
}

/** What both adapters share: the consumer registry, dead letters, draining close. */
export abstract class BaseEventBus implements EventBus {
  abstract readonly kind: EventBusKind;
  protected readonly consumers = new Set<Consumer>();
  protected closed = false;

  constructor(protected readonly log: (m: string) => void) {}

  abstract publish<T>(stream: string, message: EventMessage<T>, options?: PublishOptions): Promise<PublishResult>;
  abstract consume<T>(stream: string, group: string, handler: EventHandler<T>, options?: ConsumeOptions): Promise<Consumer>;
  abstract subscribe<T>(stream: string, handler: EventHandler<T>): Promise<Consumer>;
  /** Closes the connections the bus owns (after its consumers drained). */
  protected abstract disconnect(): Promise<void>;

  protected readonly deadLetter: DeadLetterFn = async (group, e, error) => {
    const letter: DeadLetter = { stream: e.stream, group, id: e.id, payload: e.payload, deliveries: e.deliveries, error };
    await this.publish(deadLetterStream(e.stream), { id: `${group}:${e.id}`, payload: letter });
    this.log(`events: ${e.stream}/${group} message ${e.id} dead-lettered to ${deadLetterStream(e.stream)} after ${e.deliveries} deliveries: ${error}`);
  };

  /** Registers a consumer so close() drains it; its own stop() unregisters it. */
  protected track(stop: () => Promise<void>): Consumer {
    let done: Promise<void> | undefined;
    const consumer: Consumer = {
      stop: () => {
        done ??= stop().finally(() => this.consumers.delete(consumer));
        return done;
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.disconnect();
  }
}

/** A fan-out handler's run: its error (thrown or rejected) is logged, never stops the subscription. */
export async function notify<T>(handler: EventHandler<T>, event: DeliveredEvent<T>, log: (m: string) => void): Promise<void> {
  try {
    await handler(event);
  } catch (e) {
    log(`events: subscriber of ${event.stream} failed on ${event.id}: ${errorText(e)}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
