import { Rng } from '../random';
import type { FeatureTables, InteractionBatch, TrainOptions, TwoTowerModel } from '../model/two-tower';
import type { ReservoirSampler } from './reservoir';

/** One logged interaction as kept in the replay reservoir. */
export interface Interaction {
  readonly userIdx: number;
  readonly itemIdx: number;
  readonly context: ArrayLike<number>;
  readonly label: number;
}

/** Rows of a columnar batch as interactions (to feed a reservoir). */
export function interactionsOf(batch: InteractionBatch): Interaction[] {
  const c = batch.context.length / Math.max(1, batch.label.length);
  return Array.from(batch.label, (label, r) => ({
    userIdx: batch.userIdx[r],
    itemIdx: batch.itemIdx[r],
    context: batch.context.subarray(r * c, (r + 1) * c),
    label,
  }));
}

/**
 * The last window plus replayed history, so that `replayFraction` of the training rows come from
 * the reservoir: n_replay = round(n_window · f / (1 − f)) (20% → a quarter as many rows as the
 * window), capped by the reservoir's size. §127.2's guard against forgetting the long tail.
 */
export function mixWithReplay(
  window: InteractionBatch,
  replay: ReservoirSampler<Interaction>,
  replayFraction = 0.2,
  seed = 1,
): InteractionBatch {
  if (!(replayFraction >= 0 && replayFraction < 1)) throw new RangeError('replayFraction must be in [0, 1)');
  const n = window.label.length;
  const c = window.context.length / Math.max(1, n);
  const extra = replay.sample(Math.round((n * replayFraction) / (1 - replayFraction)), new Rng(seed));
  const m = n + extra.length;
  const out = {
    userIdx: new Int32Array(m),
    itemIdx: new Int32Array(m),
    context: new Float32Array(m * c),
    label: new Float32Array(m),
  };
  out.userIdx.set(window.userIdx);
  out.itemIdx.set(window.itemIdx);
  out.context.set(window.context);
  out.label.set(window.label);
  extra.forEach((e, t) => {
    out.userIdx[n + t] = e.userIdx;
    out.itemIdx[n + t] = e.itemIdx;
    for (let j = 0; j < c; j++) out.context[(n + t) * c + j] = e.context[j];
    out.label[n + t] = e.label;
  });
  return out;
}

export interface IncrementalUpdateResult {
  readonly windowRows: number;
  readonly replayRows: number;
  readonly loss: number;
}

/**
 * The hourly update: train the head only (towers frozen) on the last window mixed with 20%
 * replay, then add the window to the reservoir so later updates can replay it.
 */
export function incrementalHeadUpdate(
  model: TwoTowerModel,
  window: InteractionBatch,
  tables: FeatureTables,
  replay: ReservoirSampler<Interaction>,
  options: TrainOptions & { replayFraction?: number } = {},
): IncrementalUpdateResult {
  const mixed = mixWithReplay(window, replay, options.replayFraction ?? 0.2, options.seed ?? 1);
  const loss = model.train(mixed, tables, { ...options, groups: 'head' });
  for (const it of interactionsOf(window)) replay.add(it);
  return { windowRows: window.label.length, replayRows: mixed.label.length - window.label.length, loss };
}
