/**
 * npm run demo [-- [--keep] <conversation.json>]: shows a person that Frontier runs here. Prints the
 * services and migrated tables, checks every model role, starts the apps as real processes and
 * drives them over HTTP (platform, then long-term memory on a conversation: by default the small
 * one in tools/demo/data, or a file in the same shape or in LoCoMo's; the multimodal gateway; the
 * recommender with a simulated population, its training gate and OPE), then shuts them down
 * gracefully and removes what it created. Needs nothing outside the repository. Last it starts
 * the web console on the demo's data and prints its URL; with `--keep` (or DEMO_KEEP=1) everything
 * stays up until Ctrl-C, so the console can be opened, and is removed then.
 */
import { Client } from 'pg';
import { createRedis, deleteMatching } from '@frontier/platform-redis';
import { DEFAULT_CONVERSATION, loadConversation } from './conversation';
import { DATABASE_URL, head, line, ok, PREFIX, REDIS_URL, stopAll, type DemoContext } from './lib';
import { gateway } from './steps/gateway';
import { memory } from './steps/memory';
import { models } from './steps/models';
import { platform } from './steps/platform';
import { recsys } from './steps/recsys';
import { services } from './steps/services';
import { consoleStep, printConsoleAccess } from './steps/console';

async function cleanup(ctx: DemoContext): Promise<void> {
  await stopAll();
  if (ctx.tenantId) {
    const pg = new Client({ connectionString: DATABASE_URL });
    await pg.connect();
    await pg.query('DELETE FROM tenants WHERE id = $1', [ctx.tenantId]); // cascades to its keys, memories and billing
    await pg.end();
  }
  // REDIS_CLUSTER_NODES set: a Cluster client, every master scanned; BullMQ's keys are `{prefix}:…`
  const redis = createRedis(REDIS_URL);
  await deleteMatching(redis, `${PREFIX}:*`);
  await deleteMatching(redis, `{${PREFIX}}:*`);
  redis.disconnect();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep') || ['1', 'true', 'yes'].includes(process.env['DEMO_KEEP'] ?? '');
  const source = args.find((a) => a !== '--keep') ?? DEFAULT_CONVERSATION;
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
    const consoleUrl = await consoleStep(ctx);
    if (keep) {
      head('Kept running (--keep)');
      printConsoleAccess(consoleUrl, ctx);
      line('\n  Press Ctrl-C to stop the apps and remove the demo tenant.');
      await new Promise<void>((resolve) => {
        // kept for the whole cleanup: a second Ctrl-C (or a signal sent to the whole group) must not cut it short
        const stop = () => resolve();
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      line('');
    } else {
      printConsoleAccess(consoleUrl, ctx);
      line('    It stops with the demo now; to browse it, run: npm run demo -- --keep   (or DEMO_KEEP=1 npm run demo), Ctrl-C ends it.');
    }
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
