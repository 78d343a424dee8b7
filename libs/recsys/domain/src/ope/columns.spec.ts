import fc from 'fast-check';
import { estimatePolicyValue } from './accumulator';
import { columnsForStaticPolicy, columnsFromActionDist, type LoggedFeedback } from './columns';
import { obdFeedback, obdItemCount, parseObdCsv } from './obd';

const logged = (action: number[], position?: number[]): LoggedFeedback => ({
  action: Int32Array.from(action),
  position: position ? Int32Array.from(position) : undefined,
  reward: Float64Array.from(action, (_, i) => i % 2),
  pscore: Float64Array.from(action, () => 0.5),
});

describe('columnsFromActionDist', () => {
  // n = 2 rows, K = 3 actions, one position: π_e rows [0.2, 0.3, 0.5] and [0.6, 0.1, 0.3]
  const dist = { data: Float64Array.of(0.2, 0.3, 0.5, 0.6, 0.1, 0.3), nActions: 3, lenList: 1 };
  const q = { data: Float64Array.of(1, 2, 3, 4, 5, 6), nActions: 3, lenList: 1 };

  it('without positions: π_e and q̂ at the logged action, q̂_π = Σ_a π_e q̂ (hand-computed)', () => {
    const c = columnsFromActionDist(logged([2, 0]), dist, q);
    expect(Array.from(c.pTarget)).toEqual([0.5, 0.6]);
    expect(Array.from(c.qHatFactual ?? [])).toEqual([3, 4]);
    expect(c.qHatPolicy?.[0]).toBeCloseTo(0.2 * 1 + 0.3 * 2 + 0.5 * 3, 15);
    expect(c.qHatPolicy?.[1]).toBeCloseTo(0.6 * 4 + 0.1 * 5 + 0.3 * 6, 15);
  });

  it('passes reward and pscore through, and leaves the model columns out without q̂', () => {
    const l = logged([1, 1]);
    const c = columnsFromActionDist(l, dist);
    expect(c.reward).toBe(l.reward);
    expect(c.pscore).toBe(l.pscore);
    expect(Array.from(c.pTarget)).toEqual([0.3, 0.1]);
    expect(c.qHatFactual).toBeUndefined();
    expect(c.qHatPolicy).toBeUndefined();
  });

  /** Plain triple loop over OBP's layout: what the reduction must equal. */
  const reference = (l: LoggedFeedback, p: { data: Float64Array; nActions: number; lenList: number }, qh: Float64Array) => {
    const { nActions: K, lenList: L } = p;
    const at = (i: number, a: number, k: number) => (i * K + a) * L + k;
    return Array.from(l.action, (a, i) => {
      const k = l.position ? l.position[i] : 0;
      let s = 0;
      for (let b = 0; b < K; b++) s += p.data[at(i, b, k)] * qh[at(i, b, k)];
      return { pTarget: p.data[at(i, a, k)], qHatFactual: qh[at(i, a, k)], qHatPolicy: s };
    });
  };

  it('property: any shape (1-11 actions, 1-3 positions, positions logged or not) equals the plain triple loop', () => {
    // small integers: every product and sum is exact, so the four partial sums must give the same number
    const shape = fc.record({ n: fc.integer({ min: 1, max: 5 }), nActions: fc.integer({ min: 1, max: 11 }), lenList: fc.integer({ min: 1, max: 3 }), logPositions: fc.boolean() });
    const case_ = shape.chain(({ n, nActions, lenList, logPositions }) =>
      fc.record({
        action: fc.array(fc.integer({ min: 0, max: nActions - 1 }), { minLength: n, maxLength: n }),
        position: fc.array(fc.integer({ min: 0, max: logPositions ? lenList - 1 : 0 }), { minLength: n, maxLength: n }),
        p: fc.array(fc.integer({ min: 0, max: 64 }), { minLength: n * nActions * lenList, maxLength: n * nActions * lenList }),
        q: fc.array(fc.integer({ min: -64, max: 64 }), { minLength: n * nActions * lenList, maxLength: n * nActions * lenList }),
        nActions: fc.constant(nActions),
        lenList: fc.constant(lenList),
        logPositions: fc.constant(logPositions),
      }),
    );
    fc.assert(
      fc.property(case_, ({ action, position, p, q: qs, nActions, lenList, logPositions }) => {
        const l = logged(action, logPositions || lenList > 1 ? position : undefined);
        const pd = { data: Float64Array.from(p), nActions, lenList };
        const qd = { data: Float64Array.from(qs), nActions, lenList };
        const c = columnsFromActionDist(l, pd, qd);
        const want = reference(l, pd, qd.data);
        expect(Array.from(c.pTarget)).toEqual(want.map((r) => r.pTarget));
        expect(Array.from(c.qHatFactual ?? [])).toEqual(want.map((r) => r.qHatFactual));
        expect(Array.from(c.qHatPolicy ?? [])).toEqual(want.map((r) => r.qHatPolicy));
        expect(Array.from(columnsFromActionDist(l, pd).pTarget)).toEqual(want.map((r) => r.pTarget));
      }),
      { numRuns: 300 },
    );
  });

  it('every action of a row counts in q̂_π (1 to 9 actions, one position and three)', () => {
    for (let K = 1; K <= 9; K++) {
      for (const L of [1, 3]) {
        // row 1 of 2, position L − 1: π_e = 1, q̂ = 2^a, so Σ = 2^K − 1 exactly, each action its own bit
        const size = 2 * K * L;
        const pd = { data: new Float64Array(size).fill(1), nActions: K, lenList: L };
        const qd = { data: Float64Array.from({ length: size }, (_, j) => 2 ** Math.floor((j % (K * L)) / L)), nActions: K, lenList: L };
        const c = columnsFromActionDist(logged([0, K - 1], [L - 1, L - 1]), pd, qd);
        expect([K, L, c.qHatPolicy?.[0], c.qHatPolicy?.[1]]).toEqual([K, L, 2 ** K - 1, 2 ** K - 1]);
        expect(c.qHatFactual?.[1]).toBe(2 ** (K - 1));
      }
    }
  });

  it('checks shapes, actions and positions', () => {
    expect(() => columnsFromActionDist(logged([0, 0, 0]), dist)).toThrow(new RangeError('actionDist has the wrong size'));
    expect(() => columnsFromActionDist(logged([0, 0]), dist, { ...q, nActions: 2, lenList: 1 })).toThrow(new RangeError('qHat must have the same shape as actionDist'));
    expect(() => columnsFromActionDist(logged([0, 0]), dist, { ...q, lenList: 2 })).toThrow(new RangeError('qHat must have the same shape as actionDist'));
    expect(() => columnsFromActionDist(logged([0, 0]), dist, { ...q, data: new Float64Array(5) })).toThrow(new RangeError('qHat must have the same shape as actionDist'));
    expect(() => columnsFromActionDist(logged([0, 3]), dist)).toThrow(new RangeError('action 3 out of range [0, 3) at row 1'));
    expect(() => columnsFromActionDist(logged([-1, 0]), dist)).toThrow(new RangeError('action -1 out of range [0, 3) at row 0'));
    expect(() => columnsFromActionDist(logged([0, 0], [0, 1]), dist)).toThrow(new RangeError('position 1 out of range [0, 1) at row 1'));
    expect(() => columnsFromActionDist(logged([0, 0], [-1, 0]), dist)).toThrow(new RangeError('position -1 out of range [0, 1) at row 0'));
    expect(() => columnsFromActionDist(logged([2, 2], [0, 0]), dist)).not.toThrow();
    // the same checks with q̂ (its own loops: one for a single position, one for slates)
    expect(() => columnsFromActionDist(logged([0, 3]), dist, q)).toThrow(new RangeError('action 3 out of range [0, 3) at row 1'));
    expect(() => columnsFromActionDist(logged([-1, 0]), dist, q)).toThrow(new RangeError('action -1 out of range [0, 3) at row 0'));
    expect(() => columnsFromActionDist(logged([0, 0], [0, 1]), dist, q)).toThrow(new RangeError('position 1 out of range [0, 1) at row 1'));
    expect(() => columnsFromActionDist(logged([0, 0], [0, -1]), dist, q)).toThrow(new RangeError('position -1 out of range [0, 1) at row 1'));
    expect(() => columnsFromActionDist(logged([2, 2], [0, 0]), dist, q)).not.toThrow();
    const slate = { data: new Float64Array(2 * 3 * 2), nActions: 3, lenList: 2 };
    expect(() => columnsFromActionDist(logged([0, 3], [0, 0]), slate, slate)).toThrow(new RangeError('action 3 out of range [0, 3) at row 1'));
    expect(() => columnsFromActionDist(logged([0, 0], [2, 0]), slate, slate)).toThrow(new RangeError('position 2 out of range [0, 2) at row 0'));
    expect(() => columnsFromActionDist(logged([2, 2], [1, 1]), slate, slate)).not.toThrow();
  });
});

describe('columnsForStaticPolicy', () => {
  it('asks the policy for (action, position), position 0 when none is logged', () => {
    const calls: [number, number][] = [];
    const policy = (a: number, k: number) => {
      calls.push([a, k]);
      return a / 10 + k / 100;
    };
    const c = columnsForStaticPolicy(logged([3, 1, 2], [0, 2, 1]), policy, { nActions: 4, lenList: 3 });
    expect(Array.from(c.pTarget)).toEqual([0.3, 0.1 + 0.02, 0.2 + 0.01]);
    expect(calls).toEqual([
      [3, 0],
      [1, 2],
      [2, 1],
    ]);
    expect(Array.from(columnsForStaticPolicy(logged([4, 5]), policy, { nActions: 6 }).pTarget)).toEqual([0.4, 0.5]);
    expect(c.qHatFactual).toBeUndefined();
    expect(c.qHatPolicy).toBeUndefined();
  });

  it('passes reward and pscore through', () => {
    const l = logged([0, 1]);
    const c = columnsForStaticPolicy(l, () => 0.5, { nActions: 2 });
    expect(c.reward).toBe(l.reward);
    expect(c.pscore).toBe(l.pscore);
  });

  // The review's case: a 46-item campaign (OBD "women") evaluated with a 34-item uniform policy.
  // The policy function answered 1/34 for items 34..45 too, so IPS came out 46/34 too high
  // (0.010063 instead of 0.007438 on the real data) without a word.
  describe('46-item logs, 34-item policy', () => {
    const N = 46 * 3 * 10;
    const l: LoggedFeedback = {
      action: Int32Array.from({ length: N }, (_, i) => i % 46),
      position: Int32Array.from({ length: N }, (_, i) => Math.floor(i / 46) % 3),
      reward: Float64Array.from({ length: N }, (_, i) => (i % 7 === 0 ? 1 : 0)),
      pscore: new Float64Array(N).fill(1 / 46), // a uniform logger over the 46 items
    };
    const ctr = l.reward.reduce((s, r) => s + r, 0) / N;

    it('is rejected, naming the first out-of-range action and its row', () => {
      expect(() => columnsForStaticPolicy(l, () => 1 / 34, { nActions: 34, lenList: 3 })).toThrow(new RangeError('action 34 out of range [0, 34) at row 34'));
    });

    it('with the campaign\'s own item count, IPS of the uniform policy is the logs\' CTR (weights all 1)', () => {
      const est = estimatePolicyValue(columnsForStaticPolicy(l, () => 1 / 46, { nActions: 46, lenList: 3 }));
      expect(est.ips).toBeCloseTo(ctr, 12);
      expect(est.snips).toBeCloseTo(ctr, 12);
    });
  });

  it('checks actions, positions and the shape, as columnsFromActionDist does', () => {
    const u = () => 0.25;
    expect(() => columnsForStaticPolicy(logged([0, 3]), u, { nActions: 3 })).toThrow(new RangeError('action 3 out of range [0, 3) at row 1'));
    expect(() => columnsForStaticPolicy(logged([-1, 0]), u, { nActions: 3 })).toThrow(new RangeError('action -1 out of range [0, 3) at row 0'));
    expect(() => columnsForStaticPolicy(logged([2, 2]), u, { nActions: 3 })).not.toThrow();
    // without lenList: one position
    expect(() => columnsForStaticPolicy(logged([0, 0], [0, 1]), u, { nActions: 3 })).toThrow(new RangeError('position 1 out of range [0, 1) at row 1'));
    expect(() => columnsForStaticPolicy(logged([0, 0], [0, 3]), u, { nActions: 3, lenList: 3 })).toThrow(new RangeError('position 3 out of range [0, 3) at row 1'));
    expect(() => columnsForStaticPolicy(logged([0, 0], [-1, 0]), u, { nActions: 3, lenList: 3 })).toThrow(new RangeError('position -1 out of range [0, 3) at row 0'));
    expect(() => columnsForStaticPolicy(logged([0, 0], [2, 2]), u, { nActions: 3, lenList: 3 })).not.toThrow();
    for (const nActions of [0, -1, 2.5, NaN, Infinity]) {
      expect(() => columnsForStaticPolicy(logged([0]), u, { nActions })).toThrow(new RangeError(`nActions must be a positive integer, got ${nActions}`));
    }
    for (const lenList of [0, 1.5, NaN]) {
      expect(() => columnsForStaticPolicy(logged([0]), u, { nActions: 1, lenList })).toThrow(new RangeError(`lenList must be a positive integer, got ${lenList}`));
    }
    expect(() => columnsForStaticPolicy(logged([0]), u, { nActions: 1, lenList: 1 })).not.toThrow();
  });

  it('rejects a policy answer that is not a probability, naming the row', () => {
    for (const bad of [-0.1, 1.5, NaN, Infinity]) {
      expect(() => columnsForStaticPolicy(logged([0, 1], [0, 1]), (a) => (a === 1 ? bad : 0.5), { nActions: 2, lenList: 2 })).toThrow(
        new RangeError(`policy gave ${bad} for action 1 at position 1 (row 1): not a probability`),
      );
    }
    for (const edge of [0, 1]) expect(() => columnsForStaticPolicy(logged([0]), () => edge, { nActions: 1 })).not.toThrow();
  });
});

describe('parseObdCsv', () => {
  it('reads the four columns by header name (any order, extra columns), with 0-based positions', () => {
    const csv = ['timestamp,item_id,position,click,propensity_score,user_feature_0', '2019-11-24,5,1,0,0.25,a', '2019-11-24,33,3,1,0.0625,b', ''].join('\n');
    const rows = parseObdCsv(csv);
    expect(Array.from(rows.itemId)).toEqual([5, 33]);
    expect(Array.from(rows.position)).toEqual([0, 2]);
    expect(Array.from(rows.click)).toEqual([0, 1]);
    expect(Array.from(rows.propensity)).toEqual([0.25, 0.0625]);
    const reordered = parseObdCsv('propensity_score,click,position,item_id\n0.5,1,2,7\n');
    expect(reordered).toEqual({ itemId: Int32Array.of(7), position: Int32Array.of(1), click: Float64Array.of(1), propensity: Float64Array.of(0.5) });
  });

  it('names a missing column', () => {
    expect(() => parseObdCsv('item_id,position,click\n1,1,0\n')).toThrow(new Error('OBD csv: column propensity_score missing'));
    expect(() => parseObdCsv('position,click,propensity_score\n1,0,0.5\n')).toThrow(new Error('OBD csv: column item_id missing'));
  });

  it('obdFeedback maps item → action, click → reward, propensity → pscore', () => {
    const rows = parseObdCsv('item_id,position,click,propensity_score\n2,2,1,0.5\n');
    expect(obdFeedback(rows)).toEqual({ action: rows.itemId, position: rows.position, reward: rows.click, pscore: rows.propensity });
    expect(obdFeedback(rows).action).toBe(rows.itemId);
  });
});

describe('obdItemCount', () => {
  const header = ',item_id,item_feature_0,item_feature_1';
  const rows = (ids: (number | string)[]) => [header, ...ids.map((id, r) => `${r},${id},-0.5,c82d`)].join('\n');

  it('counts the items of item_context.csv (ids 0..n−1 in any order, a trailing newline or CRLF)', () => {
    expect(obdItemCount(rows([0, 1, 2]))).toBe(3);
    expect(obdItemCount(rows([2, 0, 1]) + '\n')).toBe(3);
    expect(obdItemCount(rows([1, 0]).replace(/\n/g, '\r\n') + '\r\n')).toBe(2);
    expect(obdItemCount('item_id\n0')).toBe(1);
  });

  it('rejects a missing column, no items, gaps, duplicates and non-integer ids, naming the line', () => {
    expect(() => obdItemCount('id,x\n0,1\n')).toThrow(new Error('OBD item_context.csv: column item_id missing'));
    expect(() => obdItemCount('')).toThrow(new Error('OBD item_context.csv: column item_id missing'));
    expect(() => obdItemCount(header + '\n')).toThrow(new Error('OBD item_context.csv: no items'));
    expect(() => obdItemCount(rows([0, 2]))).toThrow(new Error('OBD item_context.csv: item ids must be 0..1, each once; line 3 has 2'));
    expect(() => obdItemCount(rows([0, 1, 1]))).toThrow(new Error('OBD item_context.csv: item ids must be 0..2, each once; line 4 has 1'));
    expect(() => obdItemCount(rows([-1, 0]))).toThrow(new Error('OBD item_context.csv: item ids must be 0..1, each once; line 2 has -1'));
    expect(() => obdItemCount(rows([0, 1.5]))).toThrow(new Error('OBD item_context.csv: item ids must be 0..1, each once; line 3 has 1.5'));
    expect(() => obdItemCount(rows([0, 'x']))).toThrow(new Error('OBD item_context.csv: item ids must be 0..1, each once; line 3 has x'));
  });
});
