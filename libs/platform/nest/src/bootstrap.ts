import 'reflect-metadata';
import type { INestApplication, INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobWorkers } from '@frontier/platform-queue';
import type { EventBus } from '@frontier/platform-events';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pinoHttp from 'pino-http';
import { WsAdapter } from '@nestjs/platform-ws';
import { installDocs, settingsOf } from './docs';
import { Lifecycle } from './lifecycle';
import { PinoLogger } from './logging/logger';
import { describeConnections } from './settings';
import { EVENT_BUS } from './event-bus.provider';
import { describeAddress, HttpDrain, installShutdown } from './shutdown';
import { installJsonBody } from './validation/body';

/** A root module class or a dynamic module (`AppModule.register(env)`). */
export type RootModule = Parameters<typeof NestFactory.create>[0];

export interface HttpAppOptions {
  service: string;
  title?: string;
  version?: string;
  /** Quiet logs (tests). */
  logger?: PinoLogger | false;
  /**
   * The app's `@WebSocketGateway`s are served on its HTTP server with Nest's `ws` adapter
   * (`@nestjs/platform-ws`; default). An app without gateways opens nothing.
   */
  webSockets?: boolean;
}

/** Drain bound when the app does not say (`SHUTDOWN_TIMEOUT_MS`). */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const drains = new WeakMap<INestApplication, HttpDrain>();

/**
 * Builds (does not listen) an HTTP app the way every Frontier service runs: pino logs with a
 * request id, OpenAPI at /docs (JSON at /docs-json; closed or behind a token by config), and the
 * request tracking the drained shutdown uses. Tests call this too, so they exercise the production
 * wiring. Signals are handled by {@link bootstrapHttp}, not here.
 */
export async function createHttpApp(module: RootModule, options: HttpAppOptions): Promise<INestApplication> {
  const logger = options.logger === undefined ? new PinoLogger(options.service) : options.logger;
  // bodyParser off: installJsonBody reads JSON with per-route limits and depth checks
  const app = await NestFactory.create(module, { logger: logger || false, bufferLogs: !!logger, abortOnError: false, bodyParser: false });
  installJsonBody(app);
  if (options.webSockets !== false) app.useWebSocketAdapter(new WsAdapter(app));
  drains.set(app, new HttpDrain(app.getHttpServer() as Server));
  if (logger) {
    app.use(
      pinoHttp({
        logger: logger.pino,
        genReqId: (req, res) => {
          const id = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
          res.setHeader('x-request-id', id);
          return id;
        },
        autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
        // never log headers: they carry API keys
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }
  installDocs(app, options);
  return app;
}

/**
 * Drains an app built by {@link createHttpApp}: stop accepting, close idle keep-alive sockets,
 * `Connection: close` on what is still answered, wait for in-flight requests (at most
 * `timeoutMs`), then close the app (Nest's hooks: queues, Prisma, Redis).
 */
export async function drainAndClose(app: INestApplication, timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<string> {
  const summary = await drainHttp(app, timeoutMs);
  await app.close();
  return summary;
}

async function drainHttp(app: INestApplication, timeoutMs: number): Promise<string> {
  const drain = drains.get(app);
  if (!drain) return 'no HTTP server';
  const s = await drain.drain(timeoutMs);
  return `HTTP drained in ${s.ms} ms (${s.inFlight} request(s) were in flight${s.forced ? '; connections cut at the bound' : ''}), listener kept open ${s.lameDuckMs} ms for the backlog`;
}

function markDraining(app: INestApplicationContext): void {
  try {
    app.get(Lifecycle, { strict: false }).draining = true;
  } catch {
    // an app without PlatformModule has no readiness to flip
  }
}

function jobWorkersOf(ctx: INestApplicationContext): JobWorkers | undefined {
  try {
    return ctx.get(JobWorkers, { strict: false });
  } catch {
    return undefined;
  }
}

/** Event consumers stop fetching and finish their handlers (bounded by `ms`) before the context closes Prisma. */
async function drainEventBus(ctx: INestApplicationContext, ms: number): Promise<string> {
  let bus: EventBus;
  try {
    bus = ctx.get<EventBus>(EVENT_BUS, { strict: false });
  } catch {
    return 'no event bus';
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  const forced = await Promise.race([bus.close().then(() => false), late]);
  clearTimeout(timer);
  return forced ? `event consumers still running after ${ms} ms (their messages are delivered again)` : 'event consumers drained';
}

function logConnections(app: INestApplicationContext, logger: LoggerService | false): void {
  const settings = settingsOf(app);
  if (logger && settings) logger.log(`${settings.service} uses ${describeConnections(settings)}`, 'bootstrap');
}

/**
 * Builds and listens; logs what it connects to and the address actually bound. On SIGTERM/SIGINT
 * it shuts down in order: HTTP first (stop accepting, answer in-flight requests, close idle
 * keep-alive sockets), then Nest's hooks (queues, Prisma, Redis), then exits 0.
 */
export async function bootstrapHttp(
  module: RootModule,
  options: HttpAppOptions & { port: number; host?: string; shutdownTimeoutMs?: number },
): Promise<INestApplication> {
  const logger = options.logger === undefined ? new PinoLogger(options.service) : options.logger;
  const app = await createHttpApp(module, { ...options, logger });
  await app.listen(options.port, options.host ?? '0.0.0.0');
  logConnections(app, logger);
  const server = app.getHttpServer() as Server;
  const docs = settingsOf(app)?.docs?.enabled === false ? '' : ' (OpenAPI at /docs)';
  if (logger) logger.log(`${options.service} listening on ${describeAddress(server.address())}${docs}`, 'bootstrap');
  installShutdown({
    service: options.service,
    logger,
    timeoutMs: options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    begin: () => markDraining(app),
    drain: (ms) => drainHttp(app, ms),
    close: () => app.close(),
  });
  return app;
}

/**
 * A worker process: a Nest application context (no HTTP). On SIGTERM/SIGINT it stops taking jobs,
 * lets the running ones finish (at most `shutdownTimeoutMs`), then closes queues, Prisma and
 * Redis and exits 0.
 */
export async function bootstrapWorker(module: RootModule, options: { service: string; shutdownTimeoutMs?: number }): Promise<INestApplicationContext> {
  const logger = new PinoLogger(options.service);
  const ctx = await NestFactory.createApplicationContext(module, { logger, abortOnError: false });
  logConnections(ctx, logger);
  installShutdown({
    service: options.service,
    logger,
    timeoutMs: options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    begin: () => markDraining(ctx),
    drain: async (ms) => {
      const workers = jobWorkersOf(ctx);
      const d = workers ? await workers.drain(ms) : undefined;
      const events = await drainEventBus(ctx, ms);
      return `${d ? `workers closed (${d.active} job(s) were running${d.forced ? '; connections cut at the bound' : ''})` : 'no job workers'}, ${events}`;
    },
    close: () => ctx.close(),
  });
  return ctx;
}
