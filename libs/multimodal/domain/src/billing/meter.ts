import { FrontierError, InvalidInputError } from '@frontier/platform-util';
import { MODALITIES, type Modality } from '../parts';
import type { Plan } from '../planner/types';

/**
 * A bill's unit and line, structurally identical to `UsageUnit` / `UsageLine` in
 * `@frontier/multimodal-contracts` (a domain library may not import contracts).
 */
export type UsageUnit = 'tokens' | 'seconds' | 'frames' | 'images';

export interface UsageLine {
  modality: Modality;
  direction: 'input' | 'output';
  /** Count in `unit` (2 images, 12.5 seconds of audio, 30 frames); the tokens when unit is 'tokens'. */
  units: number;
  unit: UsageUnit;
  /** Context tokens the line used (or produced, for output). */
  tokens: number;
  /** tokens × the price per token, rounded to 1e-9 USD. */
  costUsd: number;
}

/** US dollars per 1M tokens, per modality and direction (output is text). */
export interface ModalityPrices {
  text_input: number;
  text_output: number;
  image: number;
  audio: number;
  video: number;
}

/** Prices by model name; `'*'` applies to any model without its own row. */
export type PriceTable = Readonly<Record<string, ModalityPrices>>;

/**
 * The design's self-hosted figure (§127.3, "Modality cost"): $0.45 per 1M tokens for a 70B model,
 * visual and audio tokens billed like text tokens — 576 image tokens ≈ $0.00026, a 30-s clip at
 * 1 fps (17,280 tokens) ≈ $0.0078.
 */
export const SELF_HOSTED_USD_PER_M_TOKENS = 0.45;

export const DEFAULT_PRICE_TABLE: PriceTable = Object.freeze({
  '*': Object.freeze({
    text_input: SELF_HOSTED_USD_PER_M_TOKENS,
    text_output: SELF_HOSTED_USD_PER_M_TOKENS,
    image: SELF_HOSTED_USD_PER_M_TOKENS,
    audio: SELF_HOSTED_USD_PER_M_TOKENS,
    video: SELF_HOSTED_USD_PER_M_TOKENS,
  }),
});

/** What a request used: from a plan before the call (usageFromPlan), or the upstream's usage after it. */
export interface UsageCounts {
  textInputTokens: number;
  outputTokens: number;
  imageTokens: number;
  images: number;
  audioTokens: number;
  audioSeconds: number;
  videoTokens: number;
  videoFrames: number;
}

/** A model with no row and no `'*'` row in the price table: the table is misconfigured. */
export class NoPriceError extends FrontierError {
  constructor(readonly model: string) {
    super('invalid', 'multimodal.no_price', `no price for model "${model}" and no "*" row in the price table`, { field: 'model' });
  }
}

/** Rounds dollars to 1e-9 (the precision of a usage line). */
export function roundUsd(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** The model's row, else the `'*'` row. */
export function pricesFor(table: PriceTable, model: string): ModalityPrices {
  const own = Object.prototype.hasOwnProperty.call(table, model) ? table[model] : undefined;
  const row = own ?? (Object.prototype.hasOwnProperty.call(table, '*') ? table['*'] : undefined);
  if (!row) throw new NoPriceError(model);
  for (const [k, v] of Object.entries(row)) {
    if (!(Number.isFinite(v) && v >= 0)) throw new InvalidInputError(`prices.${k}`, `price ${k} for "${model}" must be a finite number ≥ 0`);
  }
  return row;
}

const USAGE_FIELDS: ReadonlyArray<keyof UsageCounts> = ['textInputTokens', 'outputTokens', 'imageTokens', 'images', 'audioTokens', 'audioSeconds', 'videoTokens', 'videoFrames'];

/**
 * One usage line per modality and direction, priced per token: text input and output always;
 * image (units: images), audio (units: seconds) and video (units: frames) when used. Counts
 * must be finite and ≥ 0 (InvalidInputError naming the field).
 */
export function meter(usage: UsageCounts, priceTable: PriceTable = DEFAULT_PRICE_TABLE, model = '*'): UsageLine[] {
  for (const f of USAGE_FIELDS) {
    if (!(Number.isFinite(usage[f]) && usage[f] >= 0)) throw new InvalidInputError(`usage.${f}`, `usage.${f} must be a finite number ≥ 0`);
  }
  const p = pricesFor(priceTable, model);
  const line = (modality: Modality, direction: 'input' | 'output', tokens: number, units: number, unit: UsageUnit, usdPerM: number): UsageLine => ({
    modality,
    direction,
    units,
    unit,
    tokens,
    costUsd: roundUsd((tokens * usdPerM) / 1e6),
  });
  const lines = [line('text', 'input', usage.textInputTokens, usage.textInputTokens, 'tokens', p.text_input)];
  if (usage.imageTokens > 0 || usage.images > 0) lines.push(line('image', 'input', usage.imageTokens, usage.images, 'images', p.image));
  if (usage.audioTokens > 0 || usage.audioSeconds > 0) lines.push(line('audio', 'input', usage.audioTokens, usage.audioSeconds, 'seconds', p.audio));
  if (usage.videoTokens > 0 || usage.videoFrames > 0) lines.push(line('video', 'input', usage.videoTokens, usage.videoFrames, 'frames', p.video));
  lines.push(line('text', 'output', usage.outputTokens, usage.outputTokens, 'tokens', p.text_output));
  return lines;
}

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Sum of the lines' costs, rounded to 1e-9. */
  costUsd: number;
  byModality: Record<Modality, { tokens: number; costUsd: number }>;
}

/** Totals of usage lines: tokens by direction, dollars, and both per modality. */
export function sumUsage(lines: readonly UsageLine[]): UsageTotals {
  const byModality = Object.fromEntries(MODALITIES.map((m) => [m, { tokens: 0, costUsd: 0 }])) as Record<Modality, { tokens: number; costUsd: number }>;
  let inputTokens = 0;
  let outputTokens = 0;
  let cost = 0;
  for (const l of lines) {
    if (l.direction === 'input') inputTokens += l.tokens;
    else outputTokens += l.tokens;
    cost += l.costUsd;
    byModality[l.modality].tokens += l.tokens;
    byModality[l.modality].costUsd = roundUsd(byModality[l.modality].costUsd + l.costUsd);
  }
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, costUsd: roundUsd(cost), byModality };
}

/** The dollars of usage lines, rounded to 1e-9 (the `billing` event's total_usd). */
export function totalUsd(lines: readonly UsageLine[]): number {
  return sumUsage(lines).costUsd;
}

/** A plan's usage before the call (output unknown yet: pass it when the stream ends). */
export function usageFromPlan(plan: Plan, outputTokens = 0): UsageCounts {
  return {
    textInputTokens: plan.byModality.text,
    outputTokens,
    imageTokens: plan.byModality.image,
    images: plan.images.length,
    audioTokens: plan.byModality.audio,
    audioSeconds: plan.audios.reduce((s, a) => s + a.durationS, 0),
    videoTokens: plan.byModality.video,
    videoFrames: plan.videos.reduce((s, v) => s + v.frames, 0),
  };
}
