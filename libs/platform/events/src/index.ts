export {
  EVENT_DEFAULTS,
  deadLetterStream,
  type ConsumeOptions,
  type Consumer,
  type DeadLetter,
  type DeliveredEvent,
  type EventBus,
  type EventBusKind,
  type EventBusOptions,
  type EventHandler,
  type EventMessage,
  type PublishOptions,
  type PublishResult,
} from './event-bus';
export { RedisEventBus } from './redis-event-bus';
export { JetStreamEventBus } from './jetstream-event-bus';
export { createEventBus, DEFAULT_NATS_URL, type EventBusConfig } from './create-event-bus';
