import type { Modality } from '../parts';
import type { Plan } from './types';

/** The plan as the `response.created` event shows it (snake_case, like the rest of the stream). */
export interface BudgetSummary {
  profile: string;
  estimated_tokens: number;
  limit_tokens: number;
  reserved_output_tokens: number;
  by_modality: Record<Modality, number>;
  /** The ladder steps applied, in order (their descriptions). */
  steps: string[];
  dropped_turns: number[];
  images: Array<{ path: string; max_side: number | null; detail: string; tokens: number }>;
  videos: Array<{ path: string; mode: 'fps' | 'keyframes'; fps: number | null; frames: number; tokens: number }>;
}

export function summarizePlan(plan: Plan): BudgetSummary {
  return {
    profile: plan.profile,
    estimated_tokens: plan.estimated,
    limit_tokens: plan.limit,
    reserved_output_tokens: plan.reservedOutputTokens,
    by_modality: { ...plan.byModality },
    steps: plan.steps.map((s) => s.description),
    dropped_turns: [...plan.droppedTurns],
    images: plan.images.map((i) => ({ path: i.path, max_side: i.maxSide, detail: i.detail, tokens: i.tokens })),
    videos: plan.videos.map((v) => ({ path: v.path, mode: v.mode, fps: v.fps, frames: v.frames, tokens: v.tokens })),
  };
}
