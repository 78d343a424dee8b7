import type { LoggedImpression, ReplayItem } from '@frontier/recsys-data-access';
import { MODEL_INPUT_DIMS, MODEL_INPUT_LAYOUT, Rng, type FeatureTables, type Interaction, type InteractionBatch, type TrainOptions, type TwoTowerModel } from '@frontier/recsys-domain';
import { PointInTimeFeatures } from './features';

const { userDim: U, itemDim: I, contextDim: C } = MODEL_INPUT_DIMS;

/** Training examples: the window's rows over feature tables, plus the replayed ones (own table rows). */
export interface ExampleSet {
  /** The window's rows. */
  window: InteractionBatch;
  tables: FeatureTables;
  /** The reservoir's examples as interactions over `tables` (each with its own user and item row). */
  replay: Interaction[];
  /** Request id of each user-table row (for the reservoir). */
  rowRequest: string[];
  positives: number;
}

/** Base64 of little-endian float32s. */
function encode(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function decode(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

/** A reservoir entry usable under the current input layout (else it is dropped). */
export const replayUsable = (r: ReplayItem): boolean => r.l === MODEL_INPUT_LAYOUT && Buffer.from(r.x, 'base64').byteLength === 4 * (U + I + C);

/**
 * Impressions (and reservoir entries) as the model's training data: one user-table row per
 * request (the user's features as of the moment it was shown), one item-table row per item and
 * hour snapshot, the request's context per row; label = reward.
 */
export function buildExamples(rows: readonly LoggedImpression[], features: PointInTimeFeatures, replay: readonly ReplayItem[] = []): ExampleSet {
  const usable = replay.filter(replayUsable);
  const userRow = new Map<string, number>();
  const itemRow = new Map<string, number>();
  const rowRequest: string[] = [];
  const userInputs: Float32Array[] = [];
  const itemInputs: Float32Array[] = [];
  const n = rows.length;
  const window = { userIdx: new Int32Array(n), itemIdx: new Int32Array(n), context: new Float32Array(n * C), label: new Float32Array(n) };
  let positives = 0;
  rows.forEach((r, t) => {
    const uKey = `${r.requestId}`;
    let u = userRow.get(uKey);
    if (u === undefined) {
      userRow.set(uKey, (u = userInputs.length));
      userInputs.push(features.userInput(r.userId, r.shownAtMs));
      rowRequest.push(r.requestId);
    }
    const iKey = `${r.itemId}\u0000${Math.floor(r.shownAtMs / 3_600_000)}`;
    let i = itemRow.get(iKey);
    if (i === undefined) {
      itemRow.set(iKey, (i = itemInputs.length));
      itemInputs.push(features.itemInput(r.itemId, r.shownAtMs));
    }
    window.userIdx[t] = u;
    window.itemIdx[t] = i;
    window.context.set(PointInTimeFeatures.context(r.shownAtMs, r.surface), t * C);
    window.label[t] = r.reward;
    positives += r.reward;
  });
  const nu = userInputs.length + usable.length;
  const ni = itemInputs.length + usable.length;
  const tables = { userFeatures: new Float32Array(nu * U), itemFeatures: new Float32Array(ni * I) };
  userInputs.forEach((v, k) => tables.userFeatures.set(v, k * U));
  itemInputs.forEach((v, k) => tables.itemFeatures.set(v, k * I));
  const replayed = usable.map((r, k): Interaction => {
    const x = decode(r.x);
    const u = userInputs.length + k;
    const i = itemInputs.length + k;
    tables.userFeatures.set(x.subarray(0, U), u * U);
    tables.itemFeatures.set(x.subarray(U, U + I), i * I);
    rowRequest.push(r.r);
    return { userIdx: u, itemIdx: i, context: x.slice(U + I), label: r.y };
  });
  return { window, tables, replay: replayed, rowRequest, positives };
}

/** An interaction over `set`'s tables as a reservoir entry (the inputs it was trained on). */
export function toReplayItem(inter: Interaction, set: ExampleSet): ReplayItem {
  const x = new Float32Array(U + I + C);
  x.set(set.tables.userFeatures.subarray(inter.userIdx * U, (inter.userIdx + 1) * U), 0);
  x.set(set.tables.itemFeatures.subarray(inter.itemIdx * I, (inter.itemIdx + 1) * I), U);
  for (let j = 0; j < C; j++) x[U + I + j] = inter.context[j] as number;
  return { x: encode(x), l: MODEL_INPUT_LAYOUT, y: inter.label, r: set.rowRequest[inter.userIdx] ?? '' };
}

/** Rows `idx` of a batch. */
function gather(batch: InteractionBatch, idx: Int32Array): InteractionBatch {
  const c = batch.context.length / Math.max(1, batch.label.length);
  const out = { userIdx: new Int32Array(idx.length), itemIdx: new Int32Array(idx.length), context: new Float32Array(idx.length * c), label: new Float32Array(idx.length) };
  idx.forEach((row, t) => {
    out.userIdx[t] = batch.userIdx[row] as number;
    out.itemIdx[t] = batch.itemIdx[row] as number;
    out.context.set(batch.context.subarray(row * c, (row + 1) * c), t * c);
    out.label[t] = batch.label[row] as number;
  });
  return out;
}

/**
 * `model.train` over the whole batch in chunks of `chunkRows`, yielding to the event loop between
 * chunks (`pause`: heartbeats and the worker's other jobs run), so a long full retrain never
 * blocks the process. Each epoch visits the rows in a fresh seeded order. Returns the mean loss of
 * the last epoch.
 */
export async function trainInChunks(
  model: TwoTowerModel,
  batch: InteractionBatch,
  tables: FeatureTables,
  o: Required<Pick<TrainOptions, 'groups' | 'batchSize' | 'epochs' | 'seed'>> & { chunkRows?: number },
  pause: () => Promise<void>,
): Promise<number> {
  const n = batch.label.length;
  const chunk = Math.max(o.batchSize, o.chunkRows ?? 8_192);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(o.seed);
  let loss = 0;
  for (let ep = 0; ep < o.epochs; ep++) {
    rng.shuffle(order);
    loss = 0;
    for (let s = 0; s < n; s += chunk) {
      const part = gather(batch, order.subarray(s, Math.min(n, s + chunk)));
      loss += part.label.length * model.train(part, tables, { groups: o.groups, batchSize: o.batchSize, epochs: 1, seed: o.seed + ep * 7919 + s });
      await pause();
    }
    loss /= Math.max(1, n);
  }
  return loss;
}
