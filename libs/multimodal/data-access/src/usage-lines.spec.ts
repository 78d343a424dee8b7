import type { UsageLine } from '@frontier/multimodal-contracts';
import { InvalidInputError } from '@frontier/platform-util';
import { mergeUsageLines } from './usage-lines';

const line = (l: Partial<UsageLine>): UsageLine => ({ modality: 'text', direction: 'input', unit: 'tokens', units: 10, tokens: 10, costUsd: 0.00001, ...l });

describe('mergeUsageLines', () => {
  it('merges one modality and direction into one line, sums exactly to 1e-9 USD, sorts text→video, input→output', () => {
    const merged = mergeUsageLines([
      line({ modality: 'video', unit: 'frames', units: 30, tokens: 7740, costUsd: 0.0193 }),
      line({ direction: 'output', units: 5, tokens: 5, costUsd: 0.1 }),
      line({ units: 7, tokens: 7, costUsd: 0.2 }),
      line({ units: 3, tokens: 3, costUsd: 0.1 }),
      line({ modality: 'image', unit: 'images', units: 2, tokens: 1530, costUsd: 0.0000000014 }),
    ]);
    expect(merged).toEqual([
      { modality: 'text', direction: 'input', unit: 'tokens', units: 10, tokens: 10, costUsd: 0.3 },
      { modality: 'text', direction: 'output', unit: 'tokens', units: 5, tokens: 5, costUsd: 0.1 },
      { modality: 'image', direction: 'input', unit: 'images', units: 2, tokens: 1530, costUsd: 0.000000001 },
      { modality: 'video', direction: 'input', unit: 'frames', units: 30, tokens: 7740, costUsd: 0.0193 },
    ]);
    expect(mergeUsageLines([])).toEqual([]);
  });

  it.each([
    [[line({ modality: 'smell' as never })], 'lines.0.modality'],
    [[line({}), line({ direction: 'sideways' as never })], 'lines.1.direction'],
    [[line({ unit: 'bytes' as never })], 'lines.0.unit'],
    [[line({ units: -1 })], 'lines.0.units'],
    [[line({ units: Number.NaN })], 'lines.0.units'],
    [[line({ tokens: 1.5 })], 'lines.0.tokens'],
    [[line({ costUsd: Number.POSITIVE_INFINITY })], 'lines.0.costUsd'],
    [[line({ costUsd: -0.01 })], 'lines.0.costUsd'],
    [[line({ modality: 'audio', unit: 'seconds' }), line({ modality: 'audio', unit: 'tokens' })], 'lines.1.unit'],
  ])('refuses %j naming %s', (lines, field) => {
    let caught: unknown;
    try {
      mergeUsageLines(lines);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).field).toBe(field);
    expect((caught as InvalidInputError).message).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}`));
  });
});
