/**
 * Starts chat-gateway in-process on a loopback port against a private test database and Redis
 * prefix, with the loopback LLM server (a stand-in for a hosted LLM — the one mock) as its upstream.
 */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { startLoopbackLlmServer, type LoopbackLlmServer } from '@frontier/ml-llm';
import { EncodersEnv } from '@frontier/multimodal-encoders';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from '../app.module';
import { gatewayConfig } from '../config';
import { ChatGatewayEnv } from '../env';

export interface Gateway {
  app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

export interface GatewayWorld {
  db: TestDatabase;
  redis: TestRedis;
  llm: LoopbackLlmServer;
  /** A key with multimodal:* and its id. */
  key: string;
  keyId: string;
  tenantId: string;
  gateways: Gateway[];
  start(env?: Record<string, string>): Promise<Gateway>;
  close(): Promise<void>;
}

export async function startWorld(name: string, llmOptions: Parameters<typeof startLoopbackLlmServer>[0] = {}): Promise<GatewayWorld> {
  const db = await createTestDatabase(`chat_gateway_${name}`);
  const redis = await createTestRedis(`chatgw${name}`);
  const llm = await startLoopbackLlmServer(llmOptions);
  const world: GatewayWorld = {
    db,
    redis,
    llm,
    key: '',
    keyId: '',
    tenantId: '',
    gateways: [],
    async start(extra = {}) {
      const raw = {
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        UPSTREAM_BASE_URL: llm.baseUrl,
        UPSTREAM_MODEL: llm.model,
        GATEWAY_PROFILE: 'llava-1.5',
        GATEWAY_CONTEXT_TOKENS: '8192',
        ENCODERS: 'inline',
        ENCODER_OCR: 'false',
        ENCODER_NSFW: 'false',
        GATEWAY_IMAGE_SAFETY: 'false',
        RATE_LIMIT_PER_KEY: '100000',
        ...extra,
      };
      const env = loadEnv(ChatGatewayEnv, raw);
      const enc = loadEnv(EncodersEnv, raw);
      const app = await createHttpApp(AppModule.register(env, gatewayConfig(env, enc)), { service: 'chat-gateway', logger: false });
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const gw = { app, url: `http://127.0.0.1:${port}` };
      this.gateways.push(gw);
      if (!this.key) {
        const tenancy = app.get(TenancyService);
        const tenant = await tenancy.createTenant(`acme-${name}`);
        const issued = await tenancy.issueKey(tenant.id, 'gateway', ['multimodal:*']);
        this.key = issued.key;
        this.keyId = issued.id;
        this.tenantId = tenant.id;
      }
      return gw;
    },
    async close() {
      for (const g of this.gateways) await g.app.close();
      await llm.close();
      await redis.cleanup();
      await db.drop();
    },
  };
  return world;
}
