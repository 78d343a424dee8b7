/**
 * The two-tower model's inputs, built from the feature definition ({@link userVector},
 * {@link itemVector}) by serving and training alike. The towers see dense vectors; the user's
 * taste for categories and the item's category go through the same hashed category space
 * (`CATEGORY_BUCKETS` buckets), so `u ⊙ i` in the head can match them. The context is per request
 * (time of day and week, surface), as `BatchScorer` scores all candidates of a request with one
 * context vector.
 *
 * A model records {@link MODEL_INPUT_LAYOUT} in its metadata; a server must refuse a model whose
 * layout it does not build.
 */
import { FEATURE_WINDOWS, ITEM_FEATURE_NAMES, USER_FEATURE_NAMES, itemVector, userVector, type ItemFeatures, type UserFeatures, type WindowName } from './features';

/** Name of this layout (changes whenever the vectors below change shape or meaning). */
export const MODEL_INPUT_LAYOUT = 'tt-inputs-v1';

/** Categories are hashed (FNV-1a 32) into this many buckets. */
export const CATEGORY_BUCKETS = 16;
/** Surfaces are hashed into this many buckets of the context. */
export const SURFACE_BUCKETS = 4;

const WINDOW_NAMES: readonly WindowName[] = FEATURE_WINDOWS.map((w) => w.name);

/** FNV-1a 32-bit hash of a string's UTF-16 code units. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export const categoryBucket = (category: string): number => fnv1a32(category) % CATEGORY_BUCKETS;

/** Names of {@link userModelInput}'s entries: the user vector, then per window the engagement share of each category bucket. */
export const USER_INPUT_NAMES: readonly string[] = [
  ...USER_FEATURE_NAMES,
  ...WINDOW_NAMES.flatMap((w) => Array.from({ length: CATEGORY_BUCKETS }, (_, b) => `user.${w}.category_bucket_${b}.engagement_share`)),
];

/** Names of {@link itemModelInput}'s entries: the item vector, then its category bucket one-hot. */
export const ITEM_INPUT_NAMES: readonly string[] = [...ITEM_FEATURE_NAMES, ...Array.from({ length: CATEGORY_BUCKETS }, (_, b) => `item.category_bucket_${b}`)];

/** Names of {@link contextModelInput}'s entries. */
export const CONTEXT_INPUT_NAMES: readonly string[] = [
  'ctx.hour_sin',
  'ctx.hour_cos',
  'ctx.weekday_sin',
  'ctx.weekday_cos',
  ...Array.from({ length: SURFACE_BUCKETS }, (_, b) => `ctx.surface_bucket_${b}`),
];

/** The model dimensions of this layout (`TwoTowerModel`'s userDim, itemDim, contextDim). */
export const MODEL_INPUT_DIMS = {
  userDim: USER_INPUT_NAMES.length,
  itemDim: ITEM_INPUT_NAMES.length,
  contextDim: CONTEXT_INPUT_NAMES.length,
} as const;

/** The user tower's input. Engagement = clicks + watches + purchases. */
export function userModelInput(f: UserFeatures, out = new Float32Array(USER_INPUT_NAMES.length)): Float32Array {
  out.set(userVector(f), 0);
  out.fill(0, USER_FEATURE_NAMES.length);
  WINDOW_NAMES.forEach((w, wi) => {
    const all = f.windows[w];
    const engaged = all.click + all.watch + all.purchase;
    if (!engaged) return;
    const base = USER_FEATURE_NAMES.length + wi * CATEGORY_BUCKETS;
    for (const [category, c] of Object.entries(all.byCategory)) out[base + categoryBucket(category)] += (c.click + c.watch + c.purchase) / engaged;
  });
  return out;
}

/** The item tower's input. */
export function itemModelInput(f: ItemFeatures, category: string, out = new Float32Array(ITEM_INPUT_NAMES.length)): Float32Array {
  out.set(itemVector(f), 0);
  out.fill(0, ITEM_FEATURE_NAMES.length);
  out[ITEM_FEATURE_NAMES.length + categoryBucket(category)] = 1;
  return out;
}

/** The request's context: hour of day and day of week (UTC) on the circle, surface bucket one-hot. */
export function contextModelInput(c: { atMs: number; surface: string }, out = new Float32Array(CONTEXT_INPUT_NAMES.length)): Float32Array {
  const d = new Date(c.atMs);
  const hour = (d.getUTCHours() + d.getUTCMinutes() / 60) / 24;
  const weekday = (d.getUTCDay() + hour) / 7;
  out[0] = Math.sin(2 * Math.PI * hour);
  out[1] = Math.cos(2 * Math.PI * hour);
  out[2] = Math.sin(2 * Math.PI * weekday);
  out[3] = Math.cos(2 * Math.PI * weekday);
  out.fill(0, 4);
  out[4 + (fnv1a32(c.surface) % SURFACE_BUCKETS)] = 1;
  return out;
}
