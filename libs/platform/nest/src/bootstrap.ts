import 'reflect-metadata';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import pinoHttp from 'pino-http';
import { PinoLogger } from './logging/logger';
import { installJsonBody } from './validation/body';

/** A root module class or a dynamic module (`AppModule.register(env)`). */
export type RootModule = Parameters<typeof NestFactory.create>[0];

export interface HttpAppOptions {
  service: string;
  title?: string;
  version?: string;
  /** Quiet logs (tests). */
  logger?: PinoLogger | false;
}

/**
 * Builds (does not listen) an HTTP app the way every Frontier service runs: pino logs with a
 * request id, OpenAPI at /docs (JSON at /docs-json), shutdown hooks so SIGTERM drains queues and
 * closes pools. Tests call this too, so they exercise the production wiring.
 */
export async function createHttpApp(module: RootModule, options: HttpAppOptions): Promise<INestApplication> {
  const logger = options.logger === undefined ? new PinoLogger(options.service) : options.logger;
  // bodyParser off: installJsonBody reads JSON with per-route limits and depth checks
  const app = await NestFactory.create(module, { logger: logger || false, bufferLogs: !!logger, abortOnError: false, bodyParser: false });
  installJsonBody(app);
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
  const doc = new DocumentBuilder()
    .setTitle(options.title ?? options.service)
    .setVersion(options.version ?? '0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Tenant API key fk_… (or the admin token on admin routes)' })
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  return app;
}

/** Builds and listens; logs the address. */
export async function bootstrapHttp(module: RootModule, options: HttpAppOptions & { port: number; host?: string }): Promise<INestApplication> {
  const logger = options.logger === undefined ? new PinoLogger(options.service) : options.logger;
  const app = await createHttpApp(module, { ...options, logger });
  await app.listen(options.port, options.host ?? '0.0.0.0');
  if (logger) logger.log(`${options.service} listening on ${await app.getUrl()} (OpenAPI at /docs)`, 'bootstrap');
  return app;
}

/** A worker process: a Nest application context (no HTTP) with shutdown hooks. */
export async function bootstrapWorker(module: RootModule, options: { service: string }): Promise<INestApplicationContext> {
  const logger = new PinoLogger(options.service);
  const ctx = await NestFactory.createApplicationContext(module, { logger, abortOnError: false });
  ctx.enableShutdownHooks();
  return ctx;
}
