import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { columnsFromActionDist, estimatePolicyValue, Rng } from '@frontier/recsys-domain';
import type { LoggedData } from './data';
import { evaluatePolicies, policyColumns } from './evaluate';
import { buildPolicies, greedyOnScores, greedyWithinRequests, readStaticPolicyFile, staticPolicyTable, uniformTable, type EvaluationPolicy } from './policies';
import { fitItemPositionModel } from './reward-model';
import { readObdCampaign, resolveObdFolder } from './sources/obd';
import { EXPECTED, writeObdFixture, type ObdFixture } from './testing.spec-helper';

async function fixtureData(fx: ObdFixture): Promise<LoggedData> {
  return readObdCampaign(resolveObdFolder(fx.root, 'men', 'bts'), { nActions: 4, scoreColumns: ['user-item_affinity'] });
}

describe('evaluating the OBD fixture: known IPS and SNIPS', () => {
  let fx: ObdFixture;
  let data: LoggedData;
  beforeAll(async () => {
    fx = writeObdFixture();
    data = await fixtureData(fx);
    writeFileSync(join(fx.root, 'half.json'), JSON.stringify({ 0: 0.5, 1: 0.5 }));
  });
  afterAll(() => fx.cleanup());

  it('uniform, a static file and greedy on the affinity columns give the hand-computed values', async () => {
    const statics = new Map([[join(fx.root, 'half.json'), readStaticPolicyFile(join(fx.root, 'half.json'))]]);
    const policies = buildPolicies(
      [{ kind: 'logged' }, { kind: 'uniform' }, { kind: 'static', file: join(fx.root, 'half.json') }, { kind: 'greedy', column: 'user-item_affinity' }],
      data,
      statics,
    );
    const report = await evaluatePolicies(data, policies, { bootstrap: 0, alpha: 0.05, seed: 1 }, undefined);
    const est = (p: number, e: string) => report.policies[p].estimates.find((x) => x.estimator === e)?.estimate;
    expect(report.loggedMean).toBe(EXPECTED.loggedMean);
    expect(est(0, 'ips')).toBeCloseTo(EXPECTED.loggedMean, 15);
    expect(est(0, 'snips')).toBeCloseTo(EXPECTED.loggedMean, 15);
    expect(est(1, 'ips')).toBeCloseTo(EXPECTED.uniform.ips, 15);
    expect(est(1, 'snips')).toBeCloseTo(EXPECTED.uniform.snips, 15);
    expect(est(2, 'ips')).toBeCloseTo(EXPECTED.static.ips, 15);
    expect(est(2, 'snips')).toBeCloseTo(EXPECTED.static.snips, 15);
    expect(est(3, 'ips')).toBeCloseTo(EXPECTED.greedy.ips, 15);
    expect(est(3, 'snips')).toBeCloseTo(EXPECTED.greedy.snips, 15);
    expect(report.policies[1].diagnostics).toMatchObject({ n: 6, sumWeight: EXPECTED.uniform.sumW, maxWeight: EXPECTED.uniform.maxW });
    // without a reward model only IPS and SNIPS are reported
    expect(report.policies.map((p) => p.estimates.map((e) => e.estimator))).toEqual(Array(4).fill(['ips', 'snips']));
    // six rows are far too few: every policy is flagged
    expect(report.policies.every((p) => !p.reliable && p.warnings.some((w) => w.startsWith('effective sample size')))).toBe(true);
  });

  it('bootstrap intervals bracket the estimate and are reproducible by seed', async () => {
    const policies = buildPolicies([{ kind: 'uniform' }], data, new Map());
    const a = await evaluatePolicies(data, policies, { bootstrap: 2000, alpha: 0.05, seed: 3 }, fitItemPositionModel(data, 2, 3));
    const b = await evaluatePolicies(data, policies, { bootstrap: 2000, alpha: 0.05, seed: 3 }, fitItemPositionModel(data, 2, 3));
    expect(a).toEqual(b);
    expect(a.policies[0].estimates.map((e) => e.estimator)).toEqual(['ips', 'snips', 'dm', 'dr', 'sndr', 'switchDr', 'drOs']);
    for (const e of a.policies[0].estimates) {
      expect(e.lower).toBeLessThanOrEqual(e.upper);
      expect(Number.isFinite(e.bootstrapMean)).toBe(true);
    }
    const ips = a.policies[0].estimates[0];
    expect(ips.lower).toBeLessThan(ips.estimate);
    expect(ips.upper).toBeGreaterThan(ips.estimate);
  });

  it("adds the bootstrap's own warnings to the policy's (too few replicates beyond a bound)", async () => {
    const policies = buildPolicies([{ kind: 'logged' }], data, new Map());
    const few = await evaluatePolicies(data, policies, { bootstrap: 100, alpha: 0.05, seed: 1 }, undefined);
    expect(few.policies[0].warnings).toContain('100 resamples at α = 0.05 leave 2 replicates beyond each bound (< 10): the bounds are noisy');
    expect(few.policies[0].diagnostics.warnings).not.toContain(few.policies[0].warnings.at(-1));
    expect(few.policies[0].reliable).toBe(false);
  });

  it('reports the progress hook once per policy and once at the end', async () => {
    const calls: [number, number, string][] = [];
    const policies = buildPolicies([{ kind: 'logged' }, { kind: 'uniform' }], data, new Map());
    await evaluatePolicies(data, policies, { bootstrap: 10, alpha: 0.05, seed: 1 }, undefined, { onPolicy: (d, t, n) => void calls.push([d, t, n]) });
    expect(calls).toEqual([
      [0, 2, 'logged'],
      [1, 2, 'uniform'],
      [2, 2, ''],
    ]);
  });
});

/** Random logged data with nActions items and lenList positions. */
function randomData(n: number, nActions: number, lenList: number, seed: number): LoggedData {
  const rng = new Rng(seed);
  const action = Int32Array.from({ length: n }, () => rng.nextInt(nActions));
  const position = Int32Array.from({ length: n }, () => rng.nextInt(lenList));
  const reward = Float64Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const pscore = Float64Array.from({ length: n }, () => 0.05 + 0.9 * rng.next());
  return { action, position, reward, pscore, nActions, lenList, source: { kind: 'obd', csv: 'x', itemContext: 'y', campaign: 'men', behavior: null } };
}

/** The `[n, nActions, lenList]` tensor a table policy stands for, and q̂ per row from its fold's table. */
function materialise(data: LoggedData, table: Float64Array, model: ReturnType<typeof fitItemPositionModel>) {
  const n = data.reward.length;
  const block = data.nActions * data.lenList;
  const p = new Float64Array(n * block);
  const q = new Float64Array(n * block);
  for (let i = 0; i < n; i++) {
    p.set(table, i * block);
    q.set(model.tables[model.foldOf[i]], i * block);
  }
  return { p, q };
}

describe('policyColumns: every distribution form equals the domain on the full [n, nActions, lenList] tensor', () => {
  const data = randomData(500, 7, 3, 11);
  const model = fitItemPositionModel(data, 3, 5);

  it('a context-free table (uniform and a static file) matches columnsFromActionDist exactly', () => {
    const skewed = new Float64Array(7 * 3);
    for (let a = 0; a < 7; a++) for (let k = 0; k < 3; k++) skewed[a * 3 + k] = (a + k + 1) / [28, 35, 42][k];
    for (const table of [uniformTable(7, 3), skewed]) {
      const policy: EvaluationPolicy = { name: 't', description: '', distribution: { kind: 'table', table } };
      const got = policyColumns(data, policy, model);
      const { p, q } = materialise(data, table, model);
      const want = columnsFromActionDist(data, { data: p, nActions: 7, lenList: 3 }, { data: q, nActions: 7, lenList: 3 });
      expect(got.pTarget).toEqual(want.pTarget);
      expect(got.qHatFactual).toEqual(want.qHatFactual);
      for (let i = 0; i < 500; i++) expect(got.qHatPolicy?.[i]).toBeCloseTo(want.qHatPolicy?.[i] as number, 14);
    }
  });

  it('dense greedy scores go through columnsFromActionDist in chunks and agree with one call on everything', () => {
    const rng = new Rng(2);
    const scores = Float64Array.from({ length: 500 * 7 }, () => Math.floor(rng.next() * 4)); // many ties
    const dist = greedyOnScores(scores, 7, 3);
    // 7 rows per chunk: 72 chunks, the last one short
    const got = policyColumns(data, { name: 'g', description: '', distribution: dist }, model, 7 * 21);
    expect(policyColumns(data, { name: 'g', description: '', distribution: dist }, model)).toEqual(got);
    const p = new Float64Array(500 * 21);
    if (dist.kind !== 'dense') throw new Error('dense expected');
    dist.fill(0, 500, p);
    const q = new Float64Array(500 * 21);
    for (let i = 0; i < 500; i++) q.set(model.tables[model.foldOf[i]], i * 21);
    const want = columnsFromActionDist(data, { data: p, nActions: 7, lenList: 3 }, { data: q, nActions: 7, lenList: 3 });
    expect(got).toEqual(want);
    // each row's tensor is a valid slate distribution: positions sum to 1
    for (let i = 0; i < 500; i++) for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let a = 0; a < 7; a++) s += p[i * 21 + a * 3 + k];
      expect(s).toBeCloseTo(1, 12);
    }
  });

  it('per-request greedy re-ranking (sparse) equals the dense tensor it describes', () => {
    // 4 requests of 3 shown items; positions 0..2; scores with a tie and a missing score
    const action = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4]);
    const position = Int32Array.from([0, 1, 2, 2, 1, 0, 0, 1, 2, 0, 1, 2]);
    const requestOf = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    const score = Float64Array.from([0.1, 0.9, 0.5, 3, 2, 1, 1, 1, NaN, 0.2, 0.2, 0.2]);
    const d: LoggedData = { ...randomData(12, 7, 3, 4), action, position, requestOf, loggedScore: score };
    const m = fitItemPositionModel(d, 2, 1);
    const dist = greedyWithinRequests(requestOf, position, action, score);
    const got = policyColumns(d, { name: 's', description: '', distribution: dist }, m);
    // by hand: request 0 ranks items 1 (0.9), 2 (0.5), 0 (0.1) into positions 0, 1, 2
    expect(Array.from(got.pTarget.subarray(0, 3))).toEqual([0, 0, 0]);
    // request 1 ranks 3, 4, 5 → positions 0, 1, 2; logged 3@2, 4@1, 5@0 → only 4 agrees
    expect(Array.from(got.pTarget.subarray(3, 6))).toEqual([0, 1, 0]);
    // request 2: items 6 and 0 tie (1) for positions 0 and 1, item 1 (no score) last
    expect(Array.from(got.pTarget.subarray(6, 9))).toEqual([0.5, 0.5, 1]);
    // request 3: three-way tie: 1/3 everywhere
    for (const p of got.pTarget.subarray(9, 12)) expect(p).toBeCloseTo(1 / 3, 15);
    // the dense tensor with the same probabilities gives the same DM term
    const p = new Float64Array(12 * 21);
    const q = new Float64Array(12 * 21);
    for (let i = 0; i < 12; i++) {
      const { actions, probs } = dist.kind === 'sparse' ? dist.row(i) : { actions: [], probs: [] };
      for (let b = 0; b < actions.length; b++) p[i * 21 + actions[b] * 3 + position[i]] += probs[b];
      q.set(m.tables[m.foldOf[i]], i * 21);
    }
    const want = columnsFromActionDist(d, { data: p, nActions: 7, lenList: 3 }, { data: q, nActions: 7, lenList: 3 });
    expect(got.pTarget).toEqual(want.pTarget);
    for (let i = 0; i < 12; i++) expect(got.qHatPolicy?.[i]).toBeCloseTo(want.qHatPolicy?.[i] as number, 14);
  });

  it('the logged policy has weight 1 everywhere: IPS = SNIPS = the mean reward', () => {
    const cols = policyColumns(data, { name: 'logged', description: '', distribution: { kind: 'logged' } }, model);
    const est = estimatePolicyValue(cols);
    const mean = data.reward.reduce((s, r) => s + r, 0) / 500;
    expect(est.ips).toBeCloseTo(mean, 14);
    expect(est.snips).toBeCloseTo(mean, 14);
    expect(est.diagnostics.ess).toBeCloseTo(500, 9);
  });
});

describe('the cross-fitted item-position reward model', () => {
  it('scores each fold with a table that never saw that fold', () => {
    const data = randomData(300, 5, 2, 9);
    const m = fitItemPositionModel(data, 3, 1, 0); // no shrinkage: plain means of the other folds
    for (let f = 0; f < 3; f++) {
      for (let c = 0; c < 10; c++) {
        let s = 0;
        let k = 0;
        for (let i = 0; i < 300; i++) {
          if (m.foldOf[i] !== f && data.action[i] * 2 + data.position[i] === c) {
            s += data.reward[i];
            k++;
          }
        }
        if (k > 0) expect(m.tables[f][c]).toBeCloseTo(s / k, 14);
      }
    }
    const counts = [0, 0, 0];
    m.foldOf.forEach((f) => counts[f]++);
    expect(counts).toEqual([100, 100, 100]);
  });
});

describe('static policy files', () => {
  let fx: ObdFixture;
  let data: LoggedData;
  const file = (name: string, text: string) => {
    const p = join(fx.root, name);
    writeFileSync(p, text);
    return p;
  };
  beforeAll(async () => {
    fx = writeObdFixture();
    data = await fixtureData(fx);
  });
  afterAll(() => fx.cleanup());

  it('reads JSON by index, JSON by item with per-position arrays, and CSV with and without positions', () => {
    const byIndex = staticPolicyTable(readStaticPolicyFile(file('a.json', '[0.25, 0.25, 0.5, 0]')), data, 'a.json');
    expect(Array.from(byIndex)).toEqual([0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0, 0]);
    const perPos = staticPolicyTable(readStaticPolicyFile(file('b.json', '{"0": [1, 0], "3": [0, 1]}')), data, 'b.json');
    expect(Array.from(perPos)).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    const csv = staticPolicyTable(readStaticPolicyFile(file('c.csv', 'item_id,probability\n1,0.75\n2,0.25\n')), data, 'c.csv');
    expect(Array.from(csv)).toEqual([0, 0, 0.75, 0.75, 0.25, 0.25, 0, 0]);
    const csvPos = staticPolicyTable(readStaticPolicyFile(file('d.csv', 'item_id,position,prob\n0,0,1\n1,1,0.5\n2,1,0.5\n')), data, 'd.csv');
    expect(Array.from(csvPos)).toEqual([1, 0, 0, 0.5, 0, 0.5, 0, 0]);
  });

  it('rejects items outside item_context.csv (the columnsForStaticPolicy bug), sums other than 1, duplicates and bad numbers', () => {
    const t = (name: string, text: string) => () => staticPolicyTable(readStaticPolicyFile(file(name, text)), data, name);
    expect(t('out.json', '{"0": 0.5, "40": 0.5}')).toThrow('static policy out.json: item 40 is outside the 4 actions (0..3) of item_context.csv');
    expect(t('long.json', '[0.2, 0.2, 0.2, 0.2, 0.2]')).toThrow('item 4 is outside the 4 actions');
    expect(t('sum.json', '{"0": 0.5, "1": 0.4}')).toThrow('static policy sum.json: the probabilities at position 0 sum to 0.900000, not 1');
    expect(t('dup.csv', 'item_id,probability\n1,0.5\n1,0.5\n')).toThrow('item 1 is given twice for position 0');
    expect(t('pos.json', '{"0": [0.5, 0.5, 1]}')).toThrow('position 2 but the logs have 2 position(s)');
    expect(() => readStaticPolicyFile(file('neg.json', '{"0": -0.5}'))).toThrow('item 0: probability -0.5 is not in [0, 1]');
    expect(() => readStaticPolicyFile(file('bad.json', '{"0": '))).toThrow(/not valid JSON/);
    expect(() => readStaticPolicyFile(file('hdr.csv', 'item,p\n0,1\n'))).toThrow('a CSV needs the columns item_id and probability');
    expect(() => readStaticPolicyFile(join(fx.root, 'none.json'))).toThrow(/static policy .*none.json: ENOENT/);
  });
});
