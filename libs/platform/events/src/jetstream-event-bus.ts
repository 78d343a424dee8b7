import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { FrontierError, InvalidInputError } from '@frontier/platform-util';
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

/** The connection type (transport-node's own typings lose it under node10 module resolution). */
type NatsConnection = Parameters<typeof jetstream>[0];
const nanos = (ms: number): number => ms * 1_000_000;

interface Clients {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

const decode = (m: JsMsg): { id: string; payload: unknown } => {
  const body = m.json<{ id: string; p: unknown }>();
  return { id: body.id, payload: body.p };
};

/**
 * The event bus on NATS JetStream. A stream is a JetStream stream `<prefix>_<stream>` on subject
 * `<prefix>.<stream>` (file storage, limits retention with `max_msgs`, `duplicate_window` = the
 * dedup window); publish sets `Nats-Msg-Id` to the message id, so the server drops a repeat. A
 * group is a durable pull consumer named after it (explicit ack, `ack_wait`, `max_deliver` one more
 * than the handler runs, so a message whose consumers keep dying is seen once more and
 * dead-lettered); a failed handler naks with the ack wait as delay; a running one sends progress
 * (`+WPI`). Fan-out subscribers are ordered consumers from the stream's last sequence at subscribe time.
 *
 * The connection keeps reconnecting while the server is down; a publish then fails with
 * `nats.unavailable` (503) after `publishTimeoutMs`.
 */
export class JetStreamEventBus extends BaseEventBus {
  readonly kind = 'jetstream' as const;
  private readonly o: Required<Omit<EventBusOptions, 'log'>>;
  private readonly ns: string;
  private readonly ready: Promise<Clients>;
  private readonly streams = new Map<string, Promise<string>>();
  private readonly owns: boolean;

  /** `connection`: a NATS connection (the caller closes it) or a URL (the bus connects, and closes on close()). */
  constructor(
    connection: NatsConnection | string,
    options: EventBusOptions,
  ) {
    super(options.log ?? (() => undefined));
    this.o = { ...EVENT_DEFAULTS, ...options };
    this.ns = this.o.prefix.replace(/[^a-z0-9_-]/gi, '_');
    this.owns = typeof connection === 'string';
    const nc = typeof connection === 'string' ? this.connect(connection) : Promise.resolve(connection);
    this.ready = nc.then(async (c) => ({ nc: c, js: jetstream(c, { timeout: this.o.publishTimeoutMs }), jsm: await jetstreamManager(c, { timeout: this.o.publishTimeoutMs }) }));
    this.ready.catch(() => undefined);
  }

  /** The JetStream stream name of `stream`. */
  streamName(stream: string): string {
    return `${this.ns}_${checkName('stream', stream).replace('.', '_')}`;
  }

  subject(stream: string): string {
    return `${this.ns}.${stream}`;
  }

  async publish<T>(stream: string, message: EventMessage<T>, options: PublishOptions = {}): Promise<PublishResult> {
    const id = checkId(message.id);
    const body = JSON.stringify({ id, p: message.payload });
    if (message.payload === undefined) throw new InvalidInputError('payload', 'payload must be JSON');
    try {
      const { js } = await this.clients();
      await this.ensureStream(stream, options.maxLen);
      const ack = await js.publish(this.subject(stream), body, { msgID: id, timeout: this.o.publishTimeoutMs });
      return { seq: String(ack.seq), duplicate: ack.duplicate };
    } catch (e) {
      throw e instanceof FrontierError ? e : brokerUnavailable('jetstream', e);
    }
  }

  async consume<T>(stream: string, group: string, handler: EventHandler<T>, options?: ConsumeOptions): Promise<Consumer> {
    checkName('group', group);
    const o = resolvedConsumeOptions(options);
    const { js, jsm } = await this.clients();
    const name = await this.ensureStream(stream);
    const config = { ack_wait: nanos(o.ackWaitMs), max_deliver: o.maxDeliver + 1, max_ack_pending: Math.max(1000, o.concurrency * 4) };
    await jsm.consumers.add(name, { durable_name: group, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...config }).catch(async (e: unknown) => {
      // the group exists with other settings: take this consumer's
      if (!/already (exists|in use)/i.test(errorText(e))) throw e;
      await jsm.consumers.update(name, group, config);
    });
    const messages = await (await js.consumers.get(name, group)).consume({ max_messages: o.concurrency, expires: Math.max(1_000, this.o.pollMs) });
    const inflight = new InFlight(o.concurrency);
    let stopping = false;
    const loop = async () => {
      for await (const m of messages) {
        await inflight.slot();
        const { id, payload } = decode(m);
        const event = { stream, id, payload: payload as T, deliveries: m.info.deliveryCount };
        inflight.run(() =>
          handleDelivery(
            {
              event,
              ack: async () => {
                if (!(await m.ackAck({ timeout: this.o.publishTimeoutMs }))) throw new Error('the server did not confirm the ack');
              },
              retry: async () => m.nak(o.ackWaitMs),
              progress: async () => m.working(),
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
    const running = loop().catch((e: unknown) => this.log(`events: ${stream}/${group} stopped: ${errorText(e)}`));
    return this.track(async () => {
      stopping = true;
      await messages.close(); // stops pulling; messages already received are still handled
      await running;
      await inflight.drain();
    });
  }

  async subscribe<T>(stream: string, handler: EventHandler<T>): Promise<Consumer> {
    const { js, jsm } = await this.clients();
    const name = await this.ensureStream(stream);
    // from the stream's end as of now (the ordered consumer is created lazily: `new` could miss what is published meanwhile)
    const last = (await jsm.streams.info(name)).state.last_seq;
    const consumer = await js.consumers.get(name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last + 1 });
    const messages = await consumer.consume({ expires: Math.max(1_000, this.o.pollMs) });
    const loop = async () => {
      for await (const m of messages) {
        const { id, payload } = decode(m);
        await notify(handler, { stream, id, payload: payload as T, deliveries: 1 }, this.log);
      }
    };
    const running = loop().catch((e: unknown) => this.log(`events: subscription to ${stream} stopped: ${errorText(e)}`));
    return this.track(async () => {
      await messages.close();
      await running;
    });
  }

  /** Deletes a stream (tests and benches clean up with it). */
  async deleteStream(stream: string): Promise<void> {
    const { jsm } = await this.clients();
    await jsm.streams.delete(this.streamName(stream)).catch(() => false);
    this.streams.delete(stream);
  }

  /** Closes the connection without draining or acking: what a crash leaves (tests, the bench's kill run). */
  abort(): void {
    this.closed = true;
    void this.ready.then((c) => c.nc.close()).catch(() => undefined);
  }

  protected async disconnect(): Promise<void> {
    if (!this.owns) return;
    const c = await this.ready.catch(() => undefined); // never connected: the connect loop ends on `closed`
    if (!c) return;
    // drain flushes what is buffered; a server that is down would keep it waiting
    const drained = await Promise.race([c.nc.drain().then(() => true, () => false), sleep(this.o.publishTimeoutMs).then(() => false)]);
    if (!drained) await c.nc.close().catch(() => undefined);
  }

  /**
   * Connects, trying again every second while the server is down (the app starts meanwhile; a
   * publish answers 503); once connected the client reconnects on its own. Ends when the bus closes.
   */
  private async connect(url: string): Promise<NatsConnection> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('the event bus is closed');
      try {
        const nc = (await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: this.o.publishTimeoutMs, name: `frontier-events-${process.pid}` })) as NatsConnection;
        if (this.closed) await nc.close();
        return nc;
      } catch (e) {
        if (attempt % 30 === 0) this.log(`events: NATS at ${url} not reachable (${errorText(e)}); trying again`);
        await sleep(1_000);
      }
    }
  }

  /** The clients once connected, or `nats.unavailable` after the publish timeout. */
  private async clients(): Promise<Clients> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(brokerUnavailable('jetstream', new Error('not connected to NATS'))), this.o.publishTimeoutMs);
    });
    try {
      return await Promise.race([this.ready, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private ensureStream(stream: string, maxLen = this.o.maxLen): Promise<string> {
    let made = this.streams.get(stream);
    if (!made) {
      made = this.createStream(stream, maxLen);
      this.streams.set(stream, made);
      made.catch(() => this.streams.delete(stream));
    }
    return made;
  }

  private async createStream(stream: string, maxLen: number): Promise<string> {
    const { jsm } = await this.clients();
    const name = this.streamName(stream);
    const config = {
      subjects: [this.subject(stream)],
      duplicate_window: nanos(this.o.dedupWindowMs),
      max_msgs: maxLen,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
    };
    // an existing stream keeps the settings it was created with (whoever publishes first decides its retention)
    const exists = await jsm.streams.info(name).then(
      () => true,
      (e: unknown) => {
        if (/not found/i.test(errorText(e))) return false;
        throw e;
      },
    );
    if (exists) return name;
    await jsm.streams.add({ name, ...config }).catch((e: unknown) => {
      if (!/already in use|already exists/i.test(errorText(e))) throw e;
    });
    return name;
  }
}
