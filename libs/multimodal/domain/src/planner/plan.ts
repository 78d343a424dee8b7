import { InvalidInputError } from '@frontier/platform-util';
import { validateTurns } from '../parts';
import type { ModelProfile } from '../profiles/profile';
import { estimateTextCounter, type TextCounter } from '../text/counter';
import { Budget, historyGroups } from './budget';
import { formatDuration, formatTokens, rejectionHint } from './hint';
import type { LadderStep, Plan, PlanError, PlanLimits, PlanRequest, Rejection, RejectionCode } from './types';

function checkLimits(request: PlanRequest, limits: PlanLimits): void {
  const int = (x: unknown, min: number): boolean => Number.isInteger(x) && (x as number) >= min;
  if (!int(limits.contextTokens, 1)) throw new InvalidInputError('limits.contextTokens', 'limits.contextTokens must be an integer ≥ 1');
  if (!int(request.reservedOutputTokens, 0)) throw new InvalidInputError('reservedOutputTokens', 'reservedOutputTokens must be an integer ≥ 0');
  if (limits.maxImages !== undefined && !int(limits.maxImages, 0)) throw new InvalidInputError('limits.maxImages', 'limits.maxImages must be an integer ≥ 0');
  if (limits.maxVideoSeconds !== undefined && !(Number.isFinite(limits.maxVideoSeconds) && limits.maxVideoSeconds >= 0)) {
    throw new InvalidInputError('limits.maxVideoSeconds', 'limits.maxVideoSeconds must be a finite number ≥ 0');
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const list = (paths: readonly string[]): string => (paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`);

/**
 * The budget manager: decides, before any encoder runs, what to encode at which resolution and
 * frame rate and which turns to send, so that the input estimate plus `reservedOutputTokens`
 * fits `limits.contextTokens` — or rejects the request with OpenAI's error shape.
 *
 * Every part is estimated once (text through `textCounter`, media through the profile). If the
 * request does not fit, the ladder runs one step at a time, re-estimating after each and stopping
 * as soon as it fits:
 *  (a) video: each lower rate of the profile's fps ladder (1 → 0.5 → 0.25 fps), then keyframes
 *      only — all videos together, each only where it gets cheaper;
 *  (b) images: each rung of the profile's long-edge ladder (LLaVA 336 → 280 → 168 → 84), or
 *      detail high → low for openai-tiles — all images together, so the largest go first; a rung
 *      that saves nothing is skipped;
 *  (c) history: the oldest exchange (a user turn and its answers) at a time, never a system turn
 *      and never the last user turn;
 *  (d) reject: `context_length_exceeded`, with what was tried and a hint computed from the numbers.
 * Requests over `maxImages` or with a clip over `maxVideoSeconds` are rejected first, naming the
 * part. Malformed metadata or limits throw InvalidInputError (naming the part or the limit).
 *
 * Deterministic, no I/O; the steps only lower the estimate, so the fully degraded estimate does
 * not depend on the limit: raising the limit never turns a plan into a rejection.
 */
export function planContext(request: PlanRequest, profile: ModelProfile, limits: PlanLimits, textCounter: TextCounter = estimateTextCounter): Plan | Rejection {
  checkLimits(request, limits);
  validateTurns(request.turns);
  const budget = new Budget(request.turns, profile, textCounter);
  const reserved = request.reservedOutputTokens;
  const limit = limits.contextTokens;
  const steps: LadderStep[] = [];
  const fits = (): boolean => budget.total + reserved <= limit;

  const early = checkCounts(budget, limits, reserved);
  if (early) return early;

  // (a) video: lower rates, then keyframes only
  if (!fits()) {
    for (const fps of profile.videoFpsLadder.slice(1)) {
      const parts = budget.resampleVideos({ mode: 'fps', fps });
      if (parts.length) steps.push({ kind: 'video_fps', fps, parts, description: `video: sample at ${fps} fps (${list(parts)})`, estimatedAfter: budget.total });
      if (fits()) break;
    }
  }
  if (!fits()) {
    const parts = budget.resampleVideos({ mode: 'keyframes' });
    if (parts.length) steps.push({ kind: 'video_keyframes', parts, description: `video: keyframes only (${list(parts)})`, estimatedAfter: budget.total });
  }
  // (b) images: down the profile's ladder, or detail low
  if (!fits()) {
    if (profile.lowDetailStep) {
      const parts = budget.lowDetailImages();
      if (parts.length) steps.push({ kind: 'image_detail_low', parts, description: `images: detail low (${list(parts)})`, estimatedAfter: budget.total });
    } else {
      for (const maxSide of profile.imageLadder) {
        const parts = budget.capImages(maxSide);
        if (parts.length) steps.push({ kind: 'image_max_side', maxSide, parts, description: `images: long edge ${maxSide} px (${list(parts)})`, estimatedAfter: budget.total });
        if (fits()) break;
      }
    }
  }
  // (c) history: oldest exchange first
  if (!fits()) {
    for (const group of historyGroups(request.turns)) {
      budget.dropTurns(group);
      const range = group.length === 1 ? `turn ${group[0]}` : `turns ${group.join(', ')}`;
      steps.push({ kind: 'drop_turns', turns: [...group], description: `history: dropped ${range}`, estimatedAfter: budget.total });
      if (fits()) break;
    }
  }
  // (d) reject
  if (!fits()) {
    const hint = rejectionHint({
      estimated: budget.total,
      limit,
      reservedOutputTokens: reserved,
      byModality: budget.byModality,
      videoSeconds: budget.keptSeconds('video'),
      audioSeconds: budget.keptSeconds('audio'),
      images: budget.keptImageCount(),
    });
    const after = steps.length ? ` after ${plural(steps.length, 'degradation step')}` : '';
    const message =
      `This request needs ${formatTokens(budget.total)} input tokens${after} plus ${formatTokens(reserved)} reserved for the output, ` +
      `over the model's context limit of ${formatTokens(limit)} tokens. ${hint}`;
    return reject('context_length_exceeded', 'messages', message, budget.total, limit, reserved, steps);
  }

  const keptTurns: number[] = [];
  const droppedTurns: number[] = [];
  budget.kept.forEach((k, i) => (k ? keptTurns : droppedTurns).push(i));
  return {
    ok: true,
    profile: profile.id,
    textCounter: textCounter.name,
    estimated: budget.total,
    limit,
    reservedOutputTokens: reserved,
    byModality: { ...budget.byModality },
    steps,
    images: budget.plannedImages(),
    videos: budget.plannedVideos(),
    audios: budget.plannedAudios(),
    keptTurns,
    droppedTurns,
  };
}

function checkCounts(budget: Budget, limits: PlanLimits, reserved: number): Rejection | null {
  if (limits.maxImages !== undefined && budget.images.length > limits.maxImages) {
    const first = budget.images[limits.maxImages]?.path ?? 'messages';
    const message = `Too many images: the request has ${budget.images.length}, at most ${limits.maxImages} are allowed (${first} is the first over the limit).`;
    return reject('too_many_images', first, message, budget.total, limits.contextTokens, reserved, []);
  }
  if (limits.maxVideoSeconds !== undefined) {
    const max = limits.maxVideoSeconds;
    const long = budget.videos.find((v) => v.part.durationS > max);
    if (long) {
      const message = `The video at ${long.path} is ${Math.round(long.part.durationS)} s long; clips of at most ${max} s are accepted: try a clip shorter than ${formatDuration(max)}.`;
      return reject('video_too_long', long.path, message, budget.total, limits.contextTokens, reserved, []);
    }
  }
  return null;
}

function reject(code: RejectionCode, param: string, message: string, estimated: number, limit: number, reservedOutputTokens: number, steps: LadderStep[]): Rejection {
  const error: PlanError = {
    type: 'invalid_request_error',
    code,
    param,
    message,
    details: { estimated, limit, reservedOutputTokens, tried: steps.map((s) => s.description) },
  };
  return { ok: false, error, steps };
}

