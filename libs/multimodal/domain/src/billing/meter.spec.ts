import fc from 'fast-check';
import { InvalidInputError } from '@frontier/platform-util';
import { PROFILES } from '../profiles/registry';
import { planContext } from '../planner/plan';
import { DEFAULT_PRICE_TABLE, meter, NoPriceError, pricesFor, roundUsd, SELF_HOSTED_USD_PER_M_TOKENS, sumUsage, totalUsd, usageFromPlan, type PriceTable, type UsageCounts } from './meter';

const none: UsageCounts = { textInputTokens: 0, outputTokens: 0, imageTokens: 0, images: 0, audioTokens: 0, audioSeconds: 0, videoTokens: 0, videoFrames: 0 };

describe('cost meter', () => {
  it('bills a 30-s clip at 1 fps × 576 tokens = 17,280 tokens at $0.45/M: $0.007776 (the design’s ≈ $0.008)', () => {
    const lines = meter({ ...none, videoTokens: 30 * 576, videoFrames: 30 });
    expect(lines).toContainEqual({ modality: 'video', direction: 'input', units: 30, unit: 'frames', tokens: 17_280, costUsd: 0.007776 });
    expect(totalUsd(lines)).toBe(0.007776);
  });

  it('bills an image of 576 tokens at ≈ $0.0003 (the design)', () => {
    const [, image] = meter({ ...none, imageTokens: 576, images: 1 });
    expect(image).toEqual({ modality: 'image', direction: 'input', units: 1, unit: 'images', tokens: 576, costUsd: 0.0002592 });
  });

  it('writes text in and out always, the other modalities when used, in a fixed order', () => {
    expect(meter(none).map((l) => `${l.modality}/${l.direction}`)).toEqual(['text/input', 'text/output']);
    const lines = meter({ textInputTokens: 1000, outputTokens: 200, imageTokens: 1152, images: 2, audioTokens: 195, audioSeconds: 60, videoTokens: 8640, videoFrames: 15 });
    expect(lines.map((l) => [l.modality, l.direction, l.units, l.unit, l.tokens])).toEqual([
      ['text', 'input', 1000, 'tokens', 1000],
      ['image', 'input', 2, 'images', 1152],
      ['audio', 'input', 60, 'seconds', 195],
      ['video', 'input', 15, 'frames', 8640],
      ['text', 'output', 200, 'tokens', 200],
    ]);
  });

  it('prices per model, falling back to "*", and refuses a table with neither', () => {
    const table: PriceTable = {
      '*': DEFAULT_PRICE_TABLE['*'] as PriceTable[string],
      'gpt-4o': { text_input: 2.5, text_output: 10, image: 2.5, audio: 40, video: 2.5 },
    };
    expect(meter({ ...none, outputTokens: 1_000_000 }, table, 'gpt-4o').at(-1)?.costUsd).toBe(10);
    expect(meter({ ...none, outputTokens: 1_000_000 }, table, 'llava').at(-1)?.costUsd).toBe(0.45);
    expect(() => meter(none, { 'gpt-4o': table['gpt-4o'] as PriceTable[string] }, 'llava')).toThrow(NoPriceError);
    expect(() => pricesFor({}, 'x')).toThrow('no price for model "x"');
    expect(() => pricesFor({ '*': { text_input: -1, text_output: 0, image: 0, audio: 0, video: 0 } }, 'x')).toThrow(InvalidInputError);
    expect(() => pricesFor({ toString: DEFAULT_PRICE_TABLE['*'] as PriceTable[string] }, 'constructor')).toThrow(NoPriceError);
    expect(SELF_HOSTED_USD_PER_M_TOKENS).toBe(0.45);
  });

  it('refuses negative or non-finite counts, naming the field', () => {
    expect(() => meter({ ...none, audioSeconds: -1 })).toThrow('usage.audioSeconds');
    expect(() => meter({ ...none, images: Number.NaN })).toThrow(InvalidInputError);
  });

  it('rounds each line to 1e-9 and sums per modality and direction', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    const lines = meter({ ...none, textInputTokens: 3, outputTokens: 7, imageTokens: 576, images: 1 });
    expect(lines.map((l) => l.costUsd)).toEqual([0.00000135, 0.0002592, 0.00000315]);
    const s = sumUsage(lines);
    expect(s).toMatchObject({ inputTokens: 579, outputTokens: 7, totalTokens: 586, costUsd: 0.0002637 });
    expect(s.byModality).toEqual({ text: { tokens: 10, costUsd: 0.0000045 }, image: { tokens: 576, costUsd: 0.0002592 }, audio: { tokens: 0, costUsd: 0 }, video: { tokens: 0, costUsd: 0 } });
  });

  it('line costs sum to the total within rounding (property)', () => {
    const n = fc.integer({ min: 0, max: 10_000_000 });
    fc.assert(
      fc.property(fc.record({ textInputTokens: n, outputTokens: n, imageTokens: n, images: n, audioTokens: n, audioSeconds: n, videoTokens: n, videoFrames: n }), (u) => {
        const lines = meter(u);
        const tokens = u.textInputTokens + u.outputTokens + u.imageTokens + u.audioTokens + u.videoTokens;
        expect(sumUsage(lines).totalTokens).toBe(tokens);
        expect(Math.abs(totalUsd(lines) - (tokens * 0.45) / 1e6)).toBeLessThan(1e-8);
      }),
    );
  });

  it('reads a plan’s usage per modality', () => {
    const plan = planContext(
      {
        turns: [
          {
            role: 'user',
            parts: [
              { kind: 'text', text: 'abcd' },
              { kind: 'image', width: 800, height: 600 },
              { kind: 'audio', durationS: 12.5 },
              { kind: 'video', durationS: 30, fps: 30, keyframes: 10, width: 1920, height: 1080 },
            ],
          },
        ],
        reservedOutputTokens: 0,
      },
      PROFILES['llava-1.5'],
      { contextTokens: 100_000 },
    );
    if (!plan.ok) throw new Error(plan.error.message);
    expect(usageFromPlan(plan, 42)).toEqual({ textInputTokens: 7, outputTokens: 42, imageTokens: 576, images: 1, audioTokens: 41, audioSeconds: 12.5, videoTokens: 17_280, videoFrames: 30 });
  });
});

describe('meter: exact lines at the edges (specs written for the mutation run’s survivors)', () => {
  const zero = { textInputTokens: 0, outputTokens: 0, imageTokens: 0, images: 0, audioTokens: 0, audioSeconds: 0, videoTokens: 0, videoFrames: 0 };
  const kinds = (u: Partial<typeof zero>) => meter({ ...zero, ...u }).map((l) => `${l.modality}/${l.direction}`);

  it('a modality gets its line when either its tokens or its units are above zero, and only then', () => {
    expect(kinds({})).toEqual(['text/input', 'text/output']);
    expect(kinds({ images: 2 })).toEqual(['text/input', 'image/input', 'text/output']);
    expect(kinds({ imageTokens: 36 })).toEqual(['text/input', 'image/input', 'text/output']);
    expect(kinds({ audioSeconds: 1.5 })).toEqual(['text/input', 'audio/input', 'text/output']);
    expect(kinds({ audioTokens: 48 })).toEqual(['text/input', 'audio/input', 'text/output']);
    expect(kinds({ videoFrames: 10 })).toEqual(['text/input', 'video/input', 'text/output']);
    expect(kinds({ videoTokens: 2630 })).toEqual(['text/input', 'video/input', 'text/output']);
    expect(meter({ ...zero, images: 2 })[1]).toEqual({ modality: 'image', direction: 'input', units: 2, unit: 'images', tokens: 0, costUsd: 0 });
  });

  it('a price of exactly 0 is allowed (free tier); a negative or non-finite one is refused naming it', () => {
    const free = { '*': { text_input: 0, text_output: 0, image: 0, audio: 0, video: 0 } };
    expect(meter({ ...zero, textInputTokens: 1000 }, free).every((l) => l.costUsd === 0)).toBe(true);
    expect(() => meter(zero, { '*': { ...free['*'], image: -1 } })).toThrow(expect.objectContaining({ field: 'prices.image', message: 'price image for "*" must be a finite number ≥ 0' }));
    expect(() => meter(zero, {}, 'm')).toThrow(expect.objectContaining({ code: 'multimodal.no_price', field: 'model', message: 'no price for model "m" and no "*" row in the price table' }));
    expect(() => meter({ ...zero, videoFrames: -1 })).toThrow(expect.objectContaining({ field: 'usage.videoFrames', message: 'usage.videoFrames must be a finite number ≥ 0' }));
  });
});
