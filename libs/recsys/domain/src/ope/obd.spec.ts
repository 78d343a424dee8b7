import { bootstrapConfidenceIntervals, columnsForStaticPolicy, columnsFromActionDist, estimatePolicyValue, obdItemCount, OpeAccumulator } from './index';
import { obdAvailable, readObd, readObdItemContext } from '../testing/obd';

const N_ITEMS = 34;
const LEN_LIST = 3;
// without the data the suites are registered as skipped, and their bodies (which read it) never run
const maybe = obdAvailable()
  ? describe
  : (name: string, _body: () => void) => describe.skip(`${name} (OBD sample not found: set OBD_DIR)`, () => it.skip('needs ../shared/data/obd', () => undefined));
if (!obdAvailable()) console.warn('OBD sample not found (set OBD_DIR): skipping the OBD parity tests');

maybe('OBD parity: uniform-random policy evaluated on the BTS logs (men campaign)', () => {
  const bts = readObd('bts');
  const n = bts.itemId.length;

  // OBP's action_dist for the random policy: shape [n, 34, 3], every entry 1/34.
  const actionDist = { data: new Float64Array(n * N_ITEMS * LEN_LIST).fill(1 / N_ITEMS), nActions: N_ITEMS, lenList: LEN_LIST };
  const columns = columnsFromActionDist(
    { action: bts.itemId, position: bts.position, reward: bts.click, pscore: bts.propensity },
    actionDist,
  );

  // The hand formula, independently: plain loops over the CSV rows.
  let sumWR = 0;
  let sumW = 0;
  for (let i = 0; i < n; i++) {
    const w = 1 / N_ITEMS / bts.propensity[i];
    sumWR += w * bts.click[i];
    sumW += w;
  }
  const ipsByHand = sumWR / n;
  const snipsByHand = sumWR / sumW;

  it('reads the whole sample with 0-based positions', () => {
    expect(n).toBe(10_000);
    expect(Math.min(...bts.position)).toBe(0);
    expect(Math.max(...bts.position)).toBe(2);
    expect(Math.max(...bts.itemId)).toBe(N_ITEMS - 1);
  });

  it('item_context.csv names the 34 items, for both logging policies', () => {
    expect(obdItemCount(readObdItemContext('bts'))).toBe(N_ITEMS);
    expect(obdItemCount(readObdItemContext('random'))).toBe(N_ITEMS);
  });

  it('the static-policy columns equal the action-distribution ones, and a smaller policy is refused', () => {
    const logged = { action: bts.itemId, position: bts.position, reward: bts.click, pscore: bts.propensity };
    const stat = columnsForStaticPolicy(logged, () => 1 / N_ITEMS, { nActions: N_ITEMS, lenList: LEN_LIST });
    expect(stat.pTarget).toEqual(columns.pTarget);
    expect(() => columnsForStaticPolicy(logged, () => 1 / 33, { nActions: 33, lenList: LEN_LIST })).toThrow(/^action 33 out of range \[0, 33\) at row \d+$/);
  });

  it('IPS and SNIPS equal the hand formula to 1e-12', () => {
    const est = estimatePolicyValue(columns);
    expect(Math.abs(est.ips - ipsByHand)).toBeLessThan(1e-12);
    expect(Math.abs(est.snips - snipsByHand)).toBeLessThan(1e-12);
  });

  it('the streaming accumulator gives the same numbers row by row', () => {
    const acc = new OpeAccumulator();
    for (let i = 0; i < n; i++) acc.add(bts.propensity[i], bts.click[i], 1 / N_ITEMS);
    const est = acc.estimate();
    expect(Math.abs(est.ips - ipsByHand)).toBeLessThan(1e-12);
    expect(Math.abs(est.snips - snipsByHand)).toBeLessThan(1e-12);
  });

  it('the estimate is close to the on-policy CTR of the random logs', () => {
    const random = readObd('random');
    let clicks = 0;
    for (let i = 0; i < random.click.length; i++) clicks += random.click[i];
    const onPolicy = clicks / random.click.length;
    const ci = bootstrapConfidenceIntervals(columns, { nResamples: 2_000, seed: 7 });
    expect(ci.ips.lower).toBeLessThan(ci.ips.estimate);
    expect(ci.ips.upper).toBeGreaterThan(ci.ips.estimate);
    // OBP's paper reports relative errors of a few tens of percent on this 10k sample; the
    // on-policy value must at least be of the same order and inside a wide band.
    expect(Math.abs(ci.snips.estimate - onPolicy) / onPolicy).toBeLessThan(0.5);
  });
});
