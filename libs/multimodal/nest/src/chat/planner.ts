/**
 * The planner port over multimodal-domain: the request's turns as the domain's cheap-metadata parts,
 * `planContext` with the served model's profile and context window, and a rejection as OpenAI's 400
 * `context_length_exceeded` (with `details {estimated, limit, tried}` and a human hint).
 */
import { counterForModel, getProfile, memoizeCounter, partPath, planContext, summarizePlan, type ModelProfile, type PartMeta, type PlanError, type TextCounter, type Turn } from '@frontier/multimodal-domain';
import type { UsageLine } from '@frontier/multimodal-contracts';
import { FrontierError } from '@frontier/platform-util';
import type { OpenAiAnswerable } from './openai-errors.filter';
import type { GatewayModel, MeterInput, PlannerPort, PlanResult, PlanTurn, ResolvedMedia } from './ports';

/** The plan's refusal, answered 400 in OpenAI's shape with the planner's details. */
export class PlanRejectedError extends FrontierError implements OpenAiAnswerable {
  constructor(readonly planError: PlanError) {
    super('invalid', planError.code, planError.message, { field: planError.param });
  }

  openAiAnswer() {
    return { status: 400, body: { error: { ...this.planError } as Record<string, unknown> } };
  }
}

function toMeta(m: ResolvedMedia): PartMeta {
  switch (m.kind) {
    case 'image':
      return { kind: 'image', width: m.width ?? 1, height: m.height ?? 1, detail: m.detail };
    case 'audio':
      return { kind: 'audio', durationS: m.durationS ?? 0 };
    case 'video':
      return { kind: 'video', durationS: m.durationS ?? 0, fps: m.fps ?? 1, keyframes: m.keyframes ?? 0, width: m.width ?? 1, height: m.height ?? 1 };
    default:
      return { kind: 'file', text: m.text ?? '' };
  }
}

/** Longest side sent upstream when the plan keeps an image's size. */
export const MAX_SEND_SIDE = 2048;

/**
 * The side an image goes at when the plan does not shrink it: a fixed-resolution encoder (its
 * token count does not depend on the size, e.g. llava-1.5's 336 px CLIP) gets its own input size —
 * sending more pixels only costs transfer; every other profile gets at most {@link MAX_SEND_SIDE}.
 */
export function sendSide(profile: ModelProfile): number {
  const fixed = profile.imageTokens(4032, 3024) === profile.imageTokens(336, 336);
  return fixed && profile.imageLadder.length ? Math.min(profile.imageLadder[0], MAX_SEND_SIDE) : MAX_SEND_SIDE;
}

export type Meter = (model: GatewayModel, usage: MeterInput) => UsageLine[];

/** `counters`: a model's own tokenizer by model id (GATEWAY_TOKENIZER_DIR); else js-tiktoken by name, or the estimate. */
export function createPlannerPort(meter: Meter, own: ReadonlyMap<string, TextCounter> = new Map()): PlannerPort {
  const counters = new Map<string, TextCounter>(own);
  const counter = (model: GatewayModel): TextCounter => {
    let c = counters.get(model.id);
    // memoized: a conversation's earlier turns come back in every request and are not tokenized again
    if (!c) counters.set(model.id, (c = memoizeCounter(counterForModel(model.upstreamModel))));
    return c;
  };
  return {
    plan(turns: PlanTurn[], model: GatewayModel, reserved: number): PlanResult {
      // the domain names parts messages[i].content[j] of ITS turns; map them back to the request's paths
      const back = new Map<string, string>();
      const domainTurns: Turn[] = turns.map((t, i) => ({
        role: t.role,
        parts: t.parts.map((p, j): PartMeta => {
          if (p.type === 'text') return { kind: 'text', text: p.text };
          back.set(partPath(i, j), p.media.path);
          return toMeta(p.media);
        }),
      }));
      const map = (path: string) => back.get(path) ?? path;
      const profile = getProfile(model.profile);
      const r = planContext({ turns: domainTurns, reservedOutputTokens: reserved }, profile, { contextTokens: model.contextTokens }, counter(model));
      if (!r.ok) throw new PlanRejectedError({ ...r.error, param: map(r.error.param) });
      const summary = summarizePlan(r);
      summary.images = summary.images.map((i) => ({ ...i, path: map(i.path) }));
      summary.videos = summary.videos.map((v) => ({ ...v, path: map(v.path) }));
      return {
        summary,
        estimated: r.estimated,
        limit: r.limit,
        reservedOutputTokens: r.reservedOutputTokens,
        byModality: r.byModality,
        steps: r.steps.map((s) => s.description),
        images: r.images.map((i) => ({ path: map(i.path), maxSide: i.maxSide ?? sendSide(profile), detail: i.detail, tokens: i.tokens })),
        videos: r.videos.map((v) => ({ path: map(v.path), mode: v.mode, fps: v.fps ?? 0, frames: v.frames, tokens: v.tokens })),
        keptTurns: r.keptTurns,
        droppedTurns: r.droppedTurns,
      };
    },
    countText(model: GatewayModel, text: string): number {
      return text === '' ? 0 : counter(model).count(text);
    },
    meter,
  };
}
