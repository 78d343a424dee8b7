/**
 * npm run demo [-- <conversation.json>]: shows a person that Frontier runs here. Prints the
 * services and migrated tables, checks every model role, starts the apps as real processes and
 * drives them over HTTP (platform, then long-term memory on a conversation: by default the small
 * one in tools/demo/data, or a file in the same shape or in LoCoMo's; the multimodal gateway; the
 * recommender with a simulated population, its training gate and OPE), then shuts them down
 * gracefully and removes what it created. Needs nothing outside the repository.
 */
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { DEFAULT_CONVERSATION, loadConversation } from './conversation';
import { DATABASE_URL, head, line, ok, PREFIX, REDIS_URL, stopAll, type DemoContext } from './lib';
import { gateway } from './steps/gateway';
import { memory } from './steps/memory';
import { models } from './steps/models';
import { platform } from './steps/platform';
import { recsys } from './steps/recsys';
import { services } from './steps/services';

async function cleanup(ctx: DemoContext): Promise<void> {
  await stopAll();
  if (ctx.tenantId) {
    const pg = new Client({ connectionString: DATABASE_URL });
    await pg.connect();
    await pg.query('DELETE FROM tenants WHERE id = $1', [ctx.tenantId]); // cascades to its keys, memories and billing
    await pg.end();
  }
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

async function main(): Promise<void> {
  const source = process.argv[2] ?? DEFAULT_CONVERSATION;
  const conversation = loadConversation(source); // before anything starts: a bad path fails at once
  const ctx: DemoContext = {};
  line('Frontier demo');
  try {
    await services();
    await models();
    await platform(ctx);
    await memory(ctx, conversation, source);
    await gateway(ctx);
    await recsys(ctx);
  } finally {
    await cleanup(ctx);
  }
  head('Done');
  ok('apps stopped gracefully (SIGTERM: workers drained, pools closed); the demo tenant, its memories and queue keys removed');
}

main().catch((e: unknown) => {
  console.error(`\ndemo failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
