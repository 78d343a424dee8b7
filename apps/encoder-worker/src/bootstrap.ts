import 'reflect-metadata';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { ImageEncoderService, natsServerOptions, redisServerOptions, type EncoderModels } from '@frontier/multimodal-encoders';
import { installShutdown, maskUrl } from '@frontier/platform-nest';
import { JobWorkers } from '@frontier/platform-queue';
import { transportsOf, type EncoderWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

/**
 * Builds and starts the hybrid app: the module (models load here), one microservice per transport
 * in ENCODER_TRANSPORTS (Redis pub/sub, NATS queue group), and the BullMQ consumer. No HTTP
 * listener: health is the `health` message pattern.
 */
export async function createEncoderWorker(env: EncoderWorkerEnv, o: { logger?: LoggerService | false; models?: EncoderModels } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerModule.register(env, o.models), { logger: o.logger ?? false, abortOnError: false });
  const transports = transportsOf(env);
  if (transports.includes('redis')) {
    app.connectMicroservice<MicroserviceOptions>({ transport: Transport.REDIS, options: redisServerOptions(env.ENCODER_REDIS_URL ?? env.REDIS_URL) as never }, { inheritAppConfig: true });
  }
  if (transports.includes('nats')) {
    app.connectMicroservice<MicroserviceOptions>({ transport: Transport.NATS, options: natsServerOptions(env.ENCODER_NATS_URL) as never }, { inheritAppConfig: true });
  }
  try {
    await app.startAllMicroservices();
    await app.init();
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  return app;
}

/** The start-up line: where it listens and what it runs. */
export function describeWorker(app: INestApplication, env: EncoderWorkerEnv): string {
  const h = app.get(ImageEncoderService).health();
  const on = transportsOf(env).map((t) => (t === 'redis' ? `redis ${maskUrl(env.ENCODER_REDIS_URL ?? env.REDIS_URL)}` : `nats ${env.ENCODER_NATS_URL}`));
  const prefix = env.ENCODER_CHANNEL_PREFIX ? `, channel prefix ${env.ENCODER_CHANNEL_PREFIX}` : '';
  return `encoder-worker listening on ${on.join(' and ')}${prefix}; ${env.ENCODER_CONCURRENCY} images at once, ${env.ENCODER_QUEUE} waiting; models ${h.models.join(', ') || 'none'}; consuming multimodal-encode`;
}

/**
 * Graceful stop: new encode requests are answered busy (Retry-After 1 — the gateway retries, another
 * replica answers) while the admitted ones finish; the BullMQ worker stops taking jobs and lets the
 * running one finish; then the transports, queues, models and Redis close. Each wait is bounded by
 * `timeoutMs`.
 */
export async function drainEncoderWorker(app: INestApplication, timeoutMs: number): Promise<string> {
  const [encodes, jobs] = await Promise.all([app.get(ImageEncoderService).drain(timeoutMs), app.get(JobWorkers, { strict: false }).drain(timeoutMs)]);
  return (
    `encodes drained (${encodes.inFlight} running, ${encodes.queued} waiting${encodes.forced ? '; the rest refused busy at the bound' : ''}), ` +
    `job workers closed (${jobs.active} job(s) were running${jobs.forced ? '; connections cut at the bound' : ''})`
  );
}

/** main(): start, log, and stop in order on SIGTERM/SIGINT (exit 0; a second signal or an overrun exits 1). */
export async function startEncoderWorker(env: EncoderWorkerEnv, logger: LoggerService): Promise<INestApplication> {
  const app = await createEncoderWorker(env, { logger });
  logger.log(describeWorker(app, env), 'bootstrap');
  installShutdown({
    service: 'encoder-worker',
    logger,
    timeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    drain: (ms) => drainEncoderWorker(app, ms),
    close: () => app.close(),
  });
  return app;
}
