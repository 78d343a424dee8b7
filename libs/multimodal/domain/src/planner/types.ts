import type { ImageDetail, Modality, Turn } from '../parts';
import type { ProfileId } from '../profiles/profile';

export interface PlanRequest {
  /** The conversation in order, each part with its cheap metadata. */
  turns: readonly Turn[];
  /** Tokens kept free for the answer (the request's max_tokens, or the gateway's default). */
  reservedOutputTokens: number;
}

export interface PlanLimits {
  /** The served model's context window: input estimate + reservedOutputTokens must fit in it. */
  contextTokens: number;
  /** At most this many images in the request (counted before any history is dropped). */
  maxImages?: number;
  /** At most this many seconds per video clip. */
  maxVideoSeconds?: number;
}

interface StepBase {
  /** What the step did, for people (logs, the rejection's `tried`, the `response.created` event). */
  description: string;
  /** The input estimate right after the step. */
  estimatedAfter: number;
}

/** One applied rung of the ladder. Parts are {@link partPath} addresses, largest (by tokens before the step) first. */
export type LadderStep =
  | (StepBase & { kind: 'video_fps'; fps: number; parts: string[] })
  | (StepBase & { kind: 'video_keyframes'; parts: string[] })
  | (StepBase & { kind: 'image_max_side'; maxSide: number; parts: string[] })
  | (StepBase & { kind: 'image_detail_low'; parts: string[] })
  | (StepBase & { kind: 'drop_turns'; turns: number[] });

export type LadderStepKind = LadderStep['kind'];

/** The ladder's phases in order: (a) video, (b) images, (c) history. Steps of a plan never go back to an earlier phase. */
export const LADDER_PHASE: Readonly<Record<LadderStepKind, 0 | 1 | 2>> = Object.freeze({
  video_fps: 0,
  video_keyframes: 0,
  image_max_side: 1,
  image_detail_low: 1,
  drop_turns: 2,
});

export interface PlannedImage {
  path: string;
  turn: number;
  /** The long-edge cap the encoder applies (a ladder rung), null when the image goes at its own size. */
  maxSide: number | null;
  /** The size to encode at (after maxSide). */
  width: number;
  height: number;
  detail: ImageDetail;
  tokens: number;
}

export interface PlannedVideo {
  path: string;
  turn: number;
  mode: 'fps' | 'keyframes';
  /** The sampling rate in 'fps' mode, null for keyframes only. */
  fps: number | null;
  frames: number;
  tokens: number;
}

export interface PlannedAudio {
  path: string;
  turn: number;
  durationS: number;
  tokens: number;
}

/** What to encode and send: decided before any encoder runs. */
export interface Plan {
  ok: true;
  profile: ProfileId;
  /** Name of the TextCounter that counted the text. */
  textCounter: string;
  /** Estimated input tokens (chat overhead included); estimated + reservedOutputTokens ≤ limit. */
  estimated: number;
  limit: number;
  reservedOutputTokens: number;
  /** Input tokens per modality (text includes files and the chat overhead); sums to `estimated`. */
  byModality: Record<Modality, number>;
  /** The ladder steps applied, in order; empty when the request fit as sent. */
  steps: LadderStep[];
  /** Media of the kept turns, in request order. */
  images: PlannedImage[];
  videos: PlannedVideo[];
  audios: PlannedAudio[];
  keptTurns: number[];
  droppedTurns: number[];
}

export type RejectionCode = 'context_length_exceeded' | 'too_many_images' | 'video_too_long';

/** OpenAI's error shape with the planner's details, ready to send as `{error}` with HTTP 400. */
export interface PlanError {
  type: 'invalid_request_error';
  code: RejectionCode;
  /** 'messages', or the address of the offending part. */
  param: string;
  message: string;
  details: {
    /** Input tokens after every step tried (for too_many_images / video_too_long: as sent). */
    estimated: number;
    limit: number;
    reservedOutputTokens: number;
    /** Descriptions of the ladder steps tried, in order. */
    tried: string[];
  };
}

export interface Rejection {
  ok: false;
  error: PlanError;
  /** The steps tried, with their machine fields (the same order as `error.details.tried`). */
  steps: LadderStep[];
}
