import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseObdCsv } from '@frontier/recsys-domain';
import { UsageError } from '../args';
import { FIXTURE_ROWS, itemContextCsv, obdCsv, writeObdFixture, type ObdFixture } from '../testing.spec-helper';
import { readItemCount, readObdCampaign, resolveObdFolder } from './obd';

describe('OBD folders', () => {
  let fx: ObdFixture;
  beforeAll(() => (fx = writeObdFixture()));
  afterAll(() => fx.cleanup());

  it('finds a campaign from the dataset root, a behavior folder or the campaign folder itself', () => {
    const bts = join(fx.root, 'bts', 'men');
    const expected = { csv: join(bts, 'men.csv'), itemContext: join(bts, 'item_context.csv'), campaign: 'men', behavior: 'bts' };
    expect(resolveObdFolder(fx.root, 'men', 'bts')).toEqual(expected);
    expect(resolveObdFolder(fx.root, undefined, 'bts')).toEqual(expected);
    expect(resolveObdFolder(join(fx.root, 'bts'))).toEqual(expected);
    expect(resolveObdFolder(bts)).toEqual(expected);
    expect(resolveObdFolder(bts, 'men')).toEqual(expected);
  });

  it('asks for the missing choice when the root holds several, and names what it found', () => {
    expect(() => resolveObdFolder(fx.root)).toThrow(new UsageError(`--behavior is needed: ${fx.root} holds random/men, bts/men`));
    expect(() => resolveObdFolder(fx.root, 'women')).toThrow(new UsageError(`--obd ${fx.root} has no women (found: random/men, bts/men)`));
    expect(() => resolveObdFolder(join(fx.root, 'nope'))).toThrow(UsageError);
    expect(() => resolveObdFolder(join(fx.root, 'bts', 'men'), undefined, 'random')).toThrow(UsageError);
  });

  it('reads the number of items from item_context.csv and checks the ids run 0..n-1', () => {
    expect(readItemCount(join(fx.root, 'bts', 'men', 'item_context.csv'))).toBe(4);
    const bad = join(fx.root, 'bad-items.csv');
    writeFileSync(bad, ',item_id,item_feature_0\n0,0,1\n1,2,1\n');
    expect(() => readItemCount(bad)).toThrow(`${bad}: item ids must be 0..1, each once; line 3 has 2`);
    expect(() => readItemCount(join(fx.root, 'missing.csv'))).toThrow(/missing: the number of items is read from it/);
  });

  it('the real sample: 34 items in bts/men when ../shared/data/obd is present', () => {
    const real = join(__dirname, '../../../../../../shared/data/obd/bts/men/item_context.csv');
    let text: string | undefined;
    try {
      text = readFileSync(real, 'utf8');
    } catch {
      console.warn(`skipped: ${real} is absent`);
    }
    if (text) expect(readItemCount(real)).toBe(34);
  });
});

describe('readObdCampaign', () => {
  let fx: ObdFixture;
  beforeAll(() => (fx = writeObdFixture()));
  afterAll(() => fx.cleanup());

  it('gives the same columns as the domain parser, 0-based positions, and the affinity scores', async () => {
    const folder = resolveObdFolder(fx.root, 'men', 'bts');
    const progress: number[] = [];
    const data = await readObdCampaign(folder, { nActions: 4, scoreColumns: ['user-item_affinity'], onProgress: (b) => progress.push(b) });
    const ref = parseObdCsv(readFileSync(folder.csv, 'utf8'));
    expect(data.action).toEqual(ref.itemId);
    expect(data.position).toEqual(ref.position);
    expect(data.reward).toEqual(ref.click);
    expect(data.pscore).toEqual(ref.propensity);
    expect(Array.from(data.position)).toEqual(FIXTURE_ROWS.map((r) => r.position - 1));
    expect(data).toMatchObject({ nActions: 4, lenList: 2, source: { kind: 'obd', campaign: 'men', behavior: 'bts' } });
    expect(Array.from(data.actionScores?.get('user-item_affinity') ?? [])).toEqual(FIXTURE_ROWS.flatMap((r) => r.aff));
    expect(progress.at(-1)).toBe(readFileSync(folder.csv).length);
  });

  it('rejects an item id beyond item_context.csv, a bad propensity and a missing score column', async () => {
    const dir = join(fx.root, 'broken', 'men');
    mkdirSync(dir, { recursive: true });
    const folder = { csv: join(dir, 'men.csv'), itemContext: join(dir, 'item_context.csv'), campaign: 'men' as const, behavior: null };
    writeFileSync(folder.itemContext, itemContextCsv(4));
    writeFileSync(folder.csv, obdCsv([...FIXTURE_ROWS, { item: 40, position: 1, click: 0, pscore: 0.1, aff: [0, 0, 0, 0] }]));
    await expect(readObdCampaign(folder, { nActions: 4 })).rejects.toThrow(/line 8: item_id 40 is outside the 4 items of item_context.csv/);
    writeFileSync(folder.csv, obdCsv([{ item: 1, position: 1, click: 0, pscore: 0, aff: [0, 0, 0, 0] }]));
    await expect(readObdCampaign(folder, { nActions: 4 })).rejects.toThrow(/propensity_score 0 must be in \(0, 1\]/);
    writeFileSync(folder.csv, obdCsv(FIXTURE_ROWS));
    await expect(readObdCampaign(folder, { nActions: 5, scoreColumns: ['user-item_affinity'] })).rejects.toThrow(
      /greedy:user-item_affinity: .* has no column user-item_affinity_4 \(4 columns start with user-item_affinity/,
    );
    await expect(readObdCampaign(folder, { nActions: 1, scoreColumns: ['user_feature'] })).rejects.toThrow(/user_feature_0 cef3390ed299c09874189c387777674a is not a number/);
  });
});
