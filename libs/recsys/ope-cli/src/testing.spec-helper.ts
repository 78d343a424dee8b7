import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A tiny Open Bandit Dataset in the real layout (`<root>/<behavior>/men/{men.csv,item_context.csv}`):
 * 4 items, 2 positions, 6 rows, with OBD's header (leading index column, hashed user features,
 * user-item affinities). The expected estimates below are worked out by hand in the comments.
 */
export const FIXTURE_ROWS = [
  // item, position (1-based), click, propensity, affinities of items 0..3
  { item: 0, position: 1, click: 1, pscore: 0.5, aff: [3, 2, 1, 0] },
  { item: 1, position: 2, click: 0, pscore: 0.25, aff: [3, 2, 1, 0] },
  { item: 2, position: 1, click: 1, pscore: 0.2, aff: [0, 0, 5, 1] },
  { item: 3, position: 2, click: 0, pscore: 0.1, aff: [0, 0, 5, 1] },
  { item: 1, position: 1, click: 0, pscore: 0.4, aff: [0, 1, 0, 0] },
  { item: 0, position: 2, click: 1, pscore: 0.25, aff: [0, 1, 0, 0] },
] as const;

/**
 * Expected values on the bts fixture (n = 6).
 * uniform (π_e = 1/4): w = 0.5, 1, 1.25, 2.5, 0.625, 1; Σw·r = 2.75, Σw = 6.875
 *   → IPS = 2.75 / 6 = 0.458333…, SNIPS = 2.75 / 6.875 = 0.4.
 * static {0: 0.5, 1: 0.5}: w = 1, 2, 0, 0, 1.25, 2; Σw·r = 3, Σw = 6.25 → IPS = 0.5, SNIPS = 0.48.
 * greedy on user-item_affinity (top-2): π_e = 1, 1, 1, 1, 1, 1/3 (row 5: items 0, 2, 3 tie for
 *   positions 2..4) → w = 2, 4, 5, 10, 2.5, 4/3; Σw·r = 25/3, Σw = 149/6 → IPS = 25/18, SNIPS = 50/149.
 */
export const EXPECTED = {
  uniform: { ips: 2.75 / 6, snips: 0.4, sumW: 6.875, maxW: 2.5 },
  static: { ips: 0.5, snips: 0.48 },
  greedy: { ips: 25 / 18, snips: 50 / 149 },
  loggedMean: 0.5,
};

export function obdCsv(rows: readonly { item: number; position: number; click: number; pscore: number; aff: readonly number[] }[]): string {
  const nAff = rows[0]?.aff.length ?? 4;
  const header = [
    '',
    'timestamp',
    'item_id',
    'position',
    'click',
    'propensity_score',
    'user_feature_0',
    ...Array.from({ length: nAff }, (_, a) => `user-item_affinity_${a}`),
  ].join(',');
  const lines = rows.map((r, i) =>
    [i, `2019-11-24 00:0${i}:00.000000+00:00`, r.item, r.position, r.click, r.pscore, 'cef3390ed299c09874189c387777674a', ...r.aff.map((x) => x.toFixed(1))].join(','),
  );
  return [header, ...lines].join('\n') + '\n';
}

export function itemContextCsv(nItems: number): string {
  const lines = Array.from({ length: nItems }, (_, a) => `${a},${a},${(-0.5 + 0.1 * a).toFixed(3)},c82d13885d8bf7a3b8b9fa6f0842ba60`);
  return [',item_id,item_feature_0,item_feature_1', ...lines].join('\n') + '\n';
}

export interface ObdFixture {
  readonly root: string;
  cleanup(): void;
}

/** Writes bts/men (the rows above) and random/men (uniform logging, same items) under a temp dir. */
export function writeObdFixture(): ObdFixture {
  const root = mkdtempSync(join(tmpdir(), 'frontier-ope-obd-'));
  const bts = join(root, 'bts', 'men');
  const random = join(root, 'random', 'men');
  mkdirSync(bts, { recursive: true });
  mkdirSync(random, { recursive: true });
  writeFileSync(join(bts, 'men.csv'), obdCsv(FIXTURE_ROWS));
  writeFileSync(join(bts, 'item_context.csv'), itemContextCsv(4));
  writeFileSync(join(random, 'men.csv'), obdCsv(FIXTURE_ROWS.map((r) => ({ ...r, pscore: 0.25 }))));
  writeFileSync(join(random, 'item_context.csv'), itemContextCsv(4));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
