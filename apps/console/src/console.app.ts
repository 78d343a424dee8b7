import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Controller, Get, Inject, Injectable, Module, type DynamicModule, type LogLevel, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { ConsoleEnv } from './env';
import { proxyTo } from './proxy';
import { adminOnly, QUEUES_PATH, QueuesBoard } from './queues';
import { attachWsProxy } from './ws-proxy';

@Controller()
class HealthController {
  @Get('health')
  health() {
    return { status: 'ok', service: 'console' };
  }
}

const BOARD = Symbol('QueuesBoard');

/** Closes the Queues page's Redis connection and queues with the app. */
@Injectable()
class BoardLifecycle implements OnApplicationShutdown {
  constructor(@Inject(BOARD) private readonly board: QueuesBoard | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.board?.close();
  }
}

@Module({})
class ConsoleModule {
  static register(board: QueuesBoard | undefined): DynamicModule {
    return { module: ConsoleModule, controllers: [HealthController], providers: [{ provide: BOARD, useValue: board ?? null }, BoardLifecycle] };
  }
}

/** Where `nx build console` writes the SPA. */
export const DEFAULT_STATIC_DIR = resolve(__dirname, '../../../dist/apps/console');

/** The page may load only its own scripts and styles and talk only to its own origin (the proxy). */
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The console: the SPA's static files and a thin same-origin proxy to memory-api, chat-gateway and
 * recsys-api under `/api/{memory,gateway,recsys}`. Body parsing is off so requests stream through.
 */
export async function createConsoleApp(env: ConsoleEnv, opts: { logger?: false | LogLevel[] } = {}): Promise<NestExpressApplication> {
  const dir = env.CONSOLE_STATIC_DIR ?? DEFAULT_STATIC_DIR;
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`console: no build at ${dir} (run: npx nx build console)`);
  const board = env.ADMIN_TOKEN ? new QueuesBoard(env.REDIS_URL, env.REDIS_PREFIX) : undefined;
  await board?.start();
  const app = await NestFactory.create<NestExpressApplication>(ConsoleModule.register(board), { bodyParser: false, ...(opts.logger !== undefined ? { logger: opts.logger } : {}) });
  app.disable('x-powered-by');
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  app.use('/api/memory', proxyTo(env.MEMORY_API_URL));
  attachWsProxy(app.getHttpServer(), { '/api/memory': env.MEMORY_API_URL }); // the sync WebSocket
  app.use('/api/gateway', proxyTo(env.GATEWAY_URL));
  app.use('/api/recsys', proxyTo(env.RECSYS_API_URL));
  // Bull Board (its own UI and CSP), behind the admin token
  if (board && env.ADMIN_TOKEN) app.use(QUEUES_PATH, adminOnly(env.ADMIN_TOKEN), board.router);
  else app.use(QUEUES_PATH, (_req: Request, res: Response) => void res.status(404).json({ statusCode: 404, message: 'the Queues page is off: set ADMIN_TOKEN' }));
  app.useStaticAssets(dir, { index: false, maxAge: '1h', setHeaders: (res) => res.setHeader('content-security-policy', CSP) });
  // the SPA's routes (#/…) all load index.html
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path === '/health') return next();
    res.setHeader('content-security-policy', CSP);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
  return app;
}
