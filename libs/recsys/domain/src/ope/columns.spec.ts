import { columnsForStaticPolicy, columnsFromActionDist, type LoggedFeedback } from './columns';
import { obdFeedback, parseObdCsv } from './obd';

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

  it('checks shapes, actions and positions', () => {
    expect(() => columnsFromActionDist(logged([0, 0, 0]), dist)).toThrow(new RangeError('actionDist has the wrong size'));
    expect(() => columnsFromActionDist(logged([0, 0]), dist, { ...q, nActions: 2, lenList: 1 })).toThrow(new RangeError('qHat must have the same shape as actionDist'));
    expect(() => columnsFromActionDist(logged([0, 0]), dist, { ...q, lenList: 2 })).toThrow(new RangeError('qHat must have the same shape as actionDist'));
    expect(() => columnsFromActionDist(logged([0, 0]), dist, { ...q, data: new Float64Array(5) })).toThrow(new RangeError('qHat must have the same shape as actionDist'));
    expect(() => columnsFromActionDist(logged([0, 3]), dist)).toThrow(new RangeError('action 3 out of range at row 1'));
    expect(() => columnsFromActionDist(logged([-1, 0]), dist)).toThrow(new RangeError('action -1 out of range at row 0'));
    expect(() => columnsFromActionDist(logged([0, 0], [0, 1]), dist)).toThrow(new RangeError('position 1 out of range at row 1'));
    expect(() => columnsFromActionDist(logged([0, 0], [-1, 0]), dist)).toThrow(new RangeError('position -1 out of range at row 0'));
    expect(() => columnsFromActionDist(logged([2, 2], [0, 0]), dist)).not.toThrow();
  });
});

describe('columnsForStaticPolicy', () => {
  it('asks the policy for (action, position), position 0 when none is logged', () => {
    const calls: [number, number][] = [];
    const policy = (a: number, k: number) => {
      calls.push([a, k]);
      return a / 10 + k / 100;
    };
    const c = columnsForStaticPolicy(logged([3, 1, 2], [0, 2, 1]), policy);
    expect(Array.from(c.pTarget)).toEqual([0.3, 0.1 + 0.02, 0.2 + 0.01]);
    expect(calls).toEqual([
      [3, 0],
      [1, 2],
      [2, 1],
    ]);
    expect(Array.from(columnsForStaticPolicy(logged([4, 5]), policy).pTarget)).toEqual([0.4, 0.5]);
    expect(c.qHatFactual).toBeUndefined();
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
