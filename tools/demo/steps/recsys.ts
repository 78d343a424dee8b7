import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { call, DATABASE_URL, exitOf, head, line, ok, PREFIX, REDIS_URL, start, startHttpApp, until, type DemoContext } from '../lib';

const CATEGORIES = ['news', 'sport', 'music', 'cooking', 'travel', 'science'];
const ITEMS = 60;
const USERS = 40;
const K = 5;
const ROUNDS = 28;
const DIM = 16;
const EPSILON = 0.5;

/** A seeded generator (mulberry32): the simulation is the same every run, the service's exploration is its own. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs one of the repository's commands (`npm run recsys|ope -- …`'s entry) and returns its stdout. */
function command(entry: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', entry, ...args], {
      env: { ...process.env, DATABASE_URL, REDIS_URL, REDIS_PREFIX: PREFIX, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${entry} ${args[0]} exited ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`))));
  });
}

interface Shown {
  id: string;
  position: number;
  propensity: number;
  explored: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const num = (x: unknown) => (typeof x === 'number' ? x.toFixed(3) : 'n/a');

/**
 * The recommender as real processes — recsys-api (items, events, ranking with logged propensities)
 * and recsys-worker (features per event batch) — driven by a simulated population, then one training
 * run with the OPE gate (the `recsys` command) and an off-policy comparison (the `ope` command).
 */
export async function recsys(ctx: DemoContext): Promise<void> {
  head('Recommender (real processes; the users are simulated)');
  if (!ctx.apiKey || !ctx.tenantId) throw new Error('the platform step must run first (it issues the API key)');
  const key = ctx.apiKey;
  const tenant = ctx.tenantId;
  const indexDir = mkdtempSync(join(tmpdir(), 'frontier-demo-recsys-'));
  process.once('exit', () => rmSync(indexDir, { recursive: true, force: true })); // after the apps have stopped
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  try {
    const worker = exitOf(start('recsys-worker', 'apps/recsys-worker/src/main.ts', { RECSYS_INDEX_DIR: indexDir }), 'recsys-worker');
    const base = await startHttpApp('recsys-api', 'apps/recsys-api/src/main.ts', {
      RECSYS_INDEX_DIR: indexDir,
      RECSYS_EPSILON: String(EPSILON),
      RECSYS_MAX_PER_CATEGORY: '3',
      RECSYS_MODEL_POLL_MS: '500',
      // the whole simulated population calls with one key from one address: above the 600/min default
      RATE_LIMIT_PER_KEY: '20000',
      RATE_LIMIT_PER_IP: '20000',
      // the console's promote / roll back
      ...(ctx.adminToken ? { ADMIN_TOKEN: ctx.adminToken } : {}),
    });
    ctx.urls = { ...ctx.urls, recsys: base };
    ok(`recsys-api ${base} (ε-greedy, ε = ${EPSILON}; at most 3 items of a category per slate) and recsys-worker started`);

    // 1. the catalogue: 60 items in 6 categories, embeddings given (each category's direction plus noise)
    const r = rng(7);
    const items = Array.from({ length: ITEMS }, (_, i) => {
      const c = i % CATEGORIES.length;
      const embedding = Array.from({ length: DIM }, (_, d) => (d === c ? 1 : 0) + (r() - 0.5) * 0.4);
      return { id: `item-${String(i).padStart(2, '0')}`, creator: `creator-${i % 20}`, category: CATEGORIES[c], text: `${CATEGORIES[c]} story ${i}`, embedding };
    });
    const put = await call(base, 'PUT', '/v1/items', { items }, key);
    if (put.status !== 200) throw new Error(`PUT /v1/items → ${put.status} ${JSON.stringify(put.body)}`);
    ok(`PUT /v1/items → ${put.status}: ${put.body['created']} items created in ${CATEGORIES.length} categories (${DIM}-d embeddings given)`);
    const categoryOf = new Map(items.map((it) => [it.id, it.category]));

    // 2. the population: 40 users, each with a favourite category; P(click) 0.5 there, 0.05 elsewhere
    const users = Array.from({ length: USERS }, (_, u) => ({ id: `user-${u}`, favourite: CATEGORIES[u % CATEGORIES.length] }));
    line(`    simulated: ${USERS} users with a favourite category each, clicking 50 % of what is in it and 5 % of the rest;`);
    line(`    ${ROUNDS} rounds back to back (each round = one visit per user, k = ${K}; "time" compressed to seconds)`);
    let eventNo = 0;
    let explored = 0;
    let shownTotal = 0;
    let coldStarts = 0;
    const ctrs: string[] = [];
    const round = async (n: number): Promise<{ ctr: number; version: unknown }> => {
      const events: Array<Record<string, unknown>> = [];
      let clicks = 0;
      let shown = 0;
      let version: unknown = null;
      for (const u of users) {
        const rec = await call(base, 'POST', '/v1/recommendations', { user: u.id, surface: 'home', k: K }, key);
        if (rec.status !== 200) throw new Error(`POST /v1/recommendations → ${rec.status} ${JSON.stringify(rec.body)}`);
        version = rec.body['model_version'];
        if (rec.body['cold_start']) coldStarts += 1;
        const requestId = rec.body['request_id'] as string;
        for (const s of rec.body['items'] as unknown as Shown[]) {
          shown += 1;
          if (s.explored) explored += 1;
          const ev0 = { user_id: u.id, item_id: s.id, surface: 'home', request_id: requestId, position: s.position, propensity: s.propensity };
          events.push({ event_id: `e${n}-${eventNo++}`, type: 'impression', ...ev0 });
          if (r() < (categoryOf.get(s.id) === u.favourite ? 0.5 : 0.05)) {
            clicks += 1;
            events.push({ event_id: `e${n}-${eventNo++}`, type: 'click', ...ev0 });
          }
        }
      }
      shownTotal += shown;
      for (let i = 0; i < events.length; i += 1000) {
        const ev = await call(base, 'POST', '/v1/events', { events: events.slice(i, i + 1000) }, key);
        if (ev.status !== 200) throw new Error(`POST /v1/events → ${ev.status} ${JSON.stringify(ev.body)}`);
      }
      // the worker folds each batch into the users' Redis features: the next round ranks with them
      await Promise.race([
        until('the worker to feature the round', async () => {
          const q = await pg.query('SELECT count(*)::int AS n FROM recsys_event_batches WHERE tenant_id = $1 AND featured_at IS NULL', [tenant]);
          return q.rows[0].n === 0 ? true : undefined;
        }),
        worker,
      ]);
      return { ctr: clicks / shown, version };
    };
    for (let n = 1; n <= ROUNDS; n++) {
      const { ctr } = await round(n);
      ctrs.push(`${n}: ${pct(ctr)}`);
    }
    ok(`CTR per round (no model yet: the fallback policy, cosine to the users' favourite categories × CTR): ${ctrs.join(', ')}`);
    line(`    exploration share: ${explored} of ${shownTotal} shown items explored (${pct(explored / shownTotal)}; ε = ${EPSILON}); ${coldStarts} cold-start answers (first visits)`);
    const logged = await pg.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE propensity < 1)::int AS p FROM recsys_impressions WHERE tenant_id = $1', [tenant]);
    line(`    impression log (Postgres): ${logged.rows[0].n} rows, each with its position and propensity`);

    // 3. training + the gate: one head run over the last hour (the `recsys` command, as the hourly job runs it)
    const windowEnd = new Date(Date.now() + 1_000).toISOString();
    const t0 = Date.now();
    const trained = JSON.parse(await command('apps/recsys-worker/src/cli.ts', ['train', '--tenant', tenant, '--mode', 'head', '--window-end', windowEnd, '--json'])) as { status: string; version?: number; versionId?: string; decision?: string; reasons?: string[] };
    if (trained.status !== 'done' || !trained.versionId) throw new Error(`training: ${JSON.stringify(trained)}`);
    const metrics = (await pg.query('SELECT metrics FROM recsys_model_versions WHERE id = $1', [trained.versionId])).rows[0].metrics as Record<string, Record<string, unknown>>;
    const tr = metrics['training'] ?? {};
    const hold = metrics['holdout'] ?? {};
    ok(`npm run recsys -- train --mode head → v${trained.version} registered (${tr['rows']} training rows, ${tr['positives']} positives; holdout AUC ${num(hold['auc'])}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const ope = (metrics['ope'] ?? {}) as Record<string, unknown>;
    const cand = (ope['candidate'] ?? {}) as Record<string, { estimate?: number; lower?: number; upper?: number }>;
    const gate = (metrics['gate'] ?? {}) as { baseline?: Record<string, unknown> };
    const iv = (e?: { estimate?: number; lower?: number; upper?: number }) => (e ? `${num(e.estimate)} [${num(e.lower)}, ${num(e.upper)}]` : 'n/a');
    line(`    gate: ${trained.decision}${trained.reasons?.length ? ` (${trained.reasons.join('; ')})` : ''}`);
    line(`    on ${(ope['window'] as Record<string, unknown> | undefined)?.['heldOutRows'] ?? '?'} held-out impressions: candidate DR ${iv(cand['dr'])}, SNIPS ${iv(cand['snips'])}; baseline ${gate.baseline?.['source'] === 'logging' ? `the logging policy's observed CTR ${num(gate.baseline['dr'])}` : `live v${String(gate.baseline?.['version'])}: DR ${num(gate.baseline?.['dr'])}, SNIPS ${num(gate.baseline?.['snips'])}`}`);

    // the API hot-swaps to a promoted version without a restart
    if (trained.decision === 'promoted') {
      await until('recsys-api to serve the promoted version', async () => {
        const rec = await call(base, 'POST', '/v1/recommendations', { user: users[0].id, surface: 'home', k: K }, key);
        return rec.body['model_version'] != null ? true : undefined;
      }, 20_000);
      const after = await round(ROUNDS + 1);
      ok(`recsys-api hot-swapped to v${trained.version} (no restart; model ${String(after.version).slice(0, 8)}…); one more round with it (ε still ${EPSILON}): CTR ${pct(after.ctr)}`);
    }

    // 4. off-policy evaluation of two policies on the logged impressions (the `ope` command): the
    // logging policy itself (on-policy mean) and uniform random. (Greedy policies are refused on an
    // impression log: it can only re-rank the items each request showed, so it depends on the
    // logging policy's own choices and its importance weights are biased.)
    const report = JSON.parse(await command('libs/recsys/ope-cli/src/bin.ts', ['--db', DATABASE_URL, '--tenant', tenant, '--policy', 'logged', '--policy', 'uniform', '--bootstrap', '500', '--json'])) as {
      rows: number;
      loggedMean: number | null;
      policies: Array<{ name: string; reliable: boolean; warnings: string[]; diagnostics: { ess: number | null }; estimates: Record<string, { estimate: number | null; lower: number | null; upper: number | null }> }>;
    };
    ok(`npm run ope -- --db … --tenant … --policy logged --policy uniform --json: ${report.rows} logged impressions, logged CTR ${num(report.loggedMean)}`);
    for (const p of report.policies) {
      const e = (name: string) => p.estimates[name];
      const show = (name: string) => (e(name) ? `${name.toUpperCase()} ${num(e(name).estimate)} [${num(e(name).lower)}, ${num(e(name).upper)}]` : '');
      line(`    ${p.name.padEnd(13)} ${['ips', 'snips', 'dr'].map(show).filter(Boolean).join('  ')}  ESS ${num(p.diagnostics.ess)}${p.reliable ? '' : ` — unreliable: ${p.warnings[0] ?? ''}`}`);
    }
  } finally {
    await pg.end();
  }
}
