import { FrontierError, InvalidInputError, OUTAGE_RETRY_AFTER_S } from '@frontier/platform-util';

/**
 * The event bus port: durable named streams of JSON messages, at-least-once.
 *
 * - {@link EventBus.publish}: appends a message; a message id seen again within the dedup window
 *   is dropped (`duplicate: true`), so a producer may retry a publish whose answer it lost.
 * - {@link EventBus.consume}: a durable consumer group. The group's consumers (any process) share
 *   the stream's messages; a message is acked after its handler resolves. A handler that throws, or
 *   a consumer that dies mid-handler, gets the message delivered again (to any consumer of the
 *   group) after `ackWaitMs`. After `maxDeliver` runs that did not end in an ack the message is
 *   dead-lettered: appended to `<stream>.dead` (with the group, the delivery count and the error) and
 *   acked; nothing re-drives it automatically. A group created on a stream that already holds
 *   messages starts at its oldest retained message.
 * - {@link EventBus.subscribe}: fan-out. Every subscriber (every process) sees every message
 *   published after it subscribed; nothing is acked or redelivered (a handler's error is logged).
 * - {@link EventBus.close}: drains: stops fetching, lets the handlers in flight finish and ack, then
 *   closes its connections.
 *
 * Handlers must be idempotent (at-least-once). Messages of a stream are delivered in publish order;
 * with `concurrency` > 1 or several consumers they may be handled out of order.
 */
export interface EventBus {
  /** `redis` (Redis Streams) or `jetstream` (NATS JetStream). */
  readonly kind: EventBusKind;
  /** Throws a typed `unavailable` error (HTTP 503 with Retry-After) when the broker cannot take it. */
  publish<T>(stream: string, message: EventMessage<T>, options?: PublishOptions): Promise<PublishResult>;
  consume<T>(stream: string, group: string, handler: EventHandler<T>, options?: ConsumeOptions): Promise<Consumer>;
  subscribe<T>(stream: string, handler: EventHandler<T>): Promise<Consumer>;
  close(): Promise<void>;
}

export type EventBusKind = 'redis' | 'jetstream';

export interface EventMessage<T> {
  /** The dedup key: a message with an id the stream saw within the dedup window is dropped. */
  id: string;
  payload: T;
}

export interface PublishOptions {
  /** Messages this stream keeps (default: the bus's `maxLen`). JetStream applies it when the stream is created. */
  maxLen?: number;
}

export interface PublishResult {
  /** The broker's position of the message (Redis entry id, JetStream sequence). */
  seq: string;
  /** true: the id was seen within the dedup window; nothing was appended. */
  duplicate: boolean;
}

export interface DeliveredEvent<T> {
  stream: string;
  id: string;
  payload: T;
  /** 1 on the first delivery; more after a failed handler or a dead consumer. */
  deliveries: number;
}

export type EventHandler<T> = (event: DeliveredEvent<T>) => Promise<void> | void;

export interface ConsumeOptions {
  /** Handlers of this consumer running at once (default 1). */
  concurrency?: number;
  /** A message not acked this long after its delivery is delivered again (default 30 s). Long handlers are kept alive by a progress signal. */
  ackWaitMs?: number;
  /** Handler runs before a message is dead-lettered (default 5). */
  maxDeliver?: number;
}

/** One consumer or subscription; {@link Consumer.stop} drains it (the bus's close stops all). */
export interface Consumer {
  stop(): Promise<void>;
}

export interface EventBusOptions {
  /** Namespace of every stream (Redis key prefix, JetStream stream-name prefix). */
  prefix: string;
  /** How long a message id is remembered for dedup (default 2 minutes). */
  dedupWindowMs?: number;
  /** Messages a stream keeps (older ones trimmed; default 1,000,000). A group lagging further loses the trimmed ones. */
  maxLen?: number;
  /** A publish fails (`unavailable`) after this long without the broker's answer (default 2 s). */
  publishTimeoutMs?: number;
  /** How long an idle fetch waits for new messages before looking again (default 1 s; close waits at most this). */
  pollMs?: number;
  /** Where handler errors and dead letters are reported (default: nothing). */
  log?: (message: string) => void;
}

export const EVENT_DEFAULTS = {
  dedupWindowMs: 120_000,
  maxLen: 1_000_000,
  publishTimeoutMs: 2_000,
  pollMs: 1_000,
  concurrency: 1,
  ackWaitMs: 30_000,
  maxDeliver: 5,
} as const;

/** The dead-letter stream of `stream`. */
export const deadLetterStream = (stream: string): string => `${stream}.dead`;

/** What a dead letter carries. */
export interface DeadLetter {
  stream: string;
  group: string;
  id: string;
  payload: unknown;
  deliveries: number;
  error: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}(\.dead)?$/i;

/** Stream and group names: letters, digits, `-` and `_` (they become Redis keys, NATS subjects and JetStream names). */
export function checkName(field: 'stream' | 'group', value: string): string {
  if (!NAME.test(value)) throw new InvalidInputError(field, `${field} "${value}" must be 1-64 letters, digits, "-" or "_"`);
  return value;
}

export function checkId(id: string): string {
  if (typeof id !== 'string' || !id.length || id.length > 256) throw new InvalidInputError('id', 'id must be a string of 1-256 characters');
  return id;
}

export function resolvedConsumeOptions(o: ConsumeOptions = {}): Required<ConsumeOptions> {
  const concurrency = o.concurrency ?? EVENT_DEFAULTS.concurrency;
  const ackWaitMs = o.ackWaitMs ?? EVENT_DEFAULTS.ackWaitMs;
  const maxDeliver = o.maxDeliver ?? EVENT_DEFAULTS.maxDeliver;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw new InvalidInputError('concurrency', 'concurrency must be an integer from 1 to 1000');
  if (!Number.isInteger(ackWaitMs) || ackWaitMs < 100) throw new InvalidInputError('ackWaitMs', 'ackWaitMs must be an integer of at least 100');
  if (!Number.isInteger(maxDeliver) || maxDeliver < 1) throw new InvalidInputError('maxDeliver', 'maxDeliver must be a positive integer');
  return { concurrency, ackWaitMs, maxDeliver };
}

/** The typed 503 of a publish the broker did not take. */
export function brokerUnavailable(kind: EventBusKind, cause: unknown): FrontierError {
  const which = kind === 'redis' ? 'redis' : 'nats';
  return new FrontierError('unavailable', `${which}.unavailable`, `the event broker (${kind}) is unreachable; retry shortly`, { retryAfterS: OUTAGE_RETRY_AFTER_S, cause });
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
