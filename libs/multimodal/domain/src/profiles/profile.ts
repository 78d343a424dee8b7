import { FrontierError } from '@frontier/platform-util';
import type { AudioPart, ImageDetail, VideoPart } from '../parts';

export type ProfileId = 'llava-1.5' | 'qwen2-vl' | 'openai-tiles' | 'anthropic' | 'gemini';

/** How a video is turned into frames: a sampling rate, or the container's keyframes (I-frames) only. */
export type VideoSampling = { mode: 'fps'; fps: number } | { mode: 'keyframes' };

/**
 * How a model family turns media into context tokens, estimated from cheap metadata before any
 * encoder runs. Each profile reproduces its family's published examples (see the specs).
 */
export interface ModelProfile {
  readonly id: ProfileId;
  /** Where the formula comes from (shown in the README's table). */
  readonly source: string;
  /** The family's usual context window (a default: the gateway's limits win). */
  readonly contextTokens: number;
  /** false: audio is transcribed (ASR) and costs its transcript's text tokens. */
  readonly nativeAudio: boolean;
  /** false: a video is a sequence of frames, each costing one image at the frame size. */
  readonly nativeVideo: boolean;
  /** The image ladder: long-edge sizes in px, largest first (LLaVA: 336, 280, 168, 84); empty when {@link lowDetailStep}. */
  readonly imageLadder: readonly number[];
  /** true: the image step is detail high → low instead of a size ladder (OpenAI tiles). */
  readonly lowDetailStep: boolean;
  /** Sampling rates the video ladder tries, the default first, then lower (keyframes-only comes after the last). */
  readonly videoFpsLadder: readonly number[];
  imageTokens(width: number, height: number, detail?: ImageDetail): number;
  /** Frames the encoder sees for this sampling. */
  videoFrames(video: VideoPart, sampling: VideoSampling): number;
  videoTokens(video: VideoPart, sampling: VideoSampling): number;
  audioTokens(audio: AudioPart): number;
}

/** A model profile id nobody defined: 400 naming the id. */
export class UnknownProfileError extends FrontierError {
  constructor(readonly profileId: string, known: readonly string[]) {
    super('invalid', 'multimodal.unknown_profile', `unknown model profile "${profileId}" (known: ${known.join(', ')})`, { field: 'profile' });
  }
}

/**
 * Speech rate assumed when an audio clip's transcript is not known yet: 150 words per minute
 * (2.5 words/s, conversational English; fast speech reaches ~200 wpm, +33 %) × 1.3 BPE tokens per
 * English word (o200k/cl100k on prose) = 3.25 tokens per second, i.e. ~195 tokens per minute.
 */
export const ASR_WORDS_PER_SECOND = 2.5;
export const ASR_TOKENS_PER_WORD = 1.3;
export const ASR_TOKENS_PER_SECOND = ASR_WORDS_PER_SECOND * ASR_TOKENS_PER_WORD;

/** ⌈x⌉ for a count computed in floating point (0.7 × 10 is 7, not 8), never below 0. */
export function ceilCount(x: number): number {
  return Math.max(0, Math.ceil(x - 1e-9));
}

/** An ASR transcript's text tokens: the known count, else {@link ASR_TOKENS_PER_SECOND} × duration, rounded up. */
export function asrTranscriptTokens(audio: AudioPart): number {
  if (audio.transcriptTokens !== undefined) return audio.transcriptTokens;
  return ceilCount(audio.durationS * ASR_TOKENS_PER_SECOND);
}

/** Keyframes assumed when the container did not say: one per 2 s (the design's "1 I-frame per 2–5 s", at its dense end). */
export const ASSUMED_KEYFRAME_INTERVAL_S = 2;

/**
 * Frames a sampling yields: at `fps`, ⌈duration × fps⌉ but never more than the source has; for
 * keyframes, the container's count (or one per {@link ASSUMED_KEYFRAME_INTERVAL_S} s when
 * unknown). At least one frame: a zero-length clip is a still.
 */
export function sampledFrames(video: VideoPart, sampling: VideoSampling): number {
  if (sampling.mode === 'keyframes') {
    return video.keyframes > 0 ? video.keyframes : Math.max(1, ceilCount(video.durationS / ASSUMED_KEYFRAME_INTERVAL_S));
  }
  const wanted = ceilCount(video.durationS * sampling.fps);
  const available = Math.floor(video.durationS * video.fps + 1e-9);
  return Math.max(1, Math.min(wanted, available));
}

/** Scales (w, h) so the long edge is at most `maxSide`, keeping the aspect ratio (rounded, ≥ 1 px); smaller images are unchanged. */
export function scaleToMaxSide(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height };
  const s = maxSide / long;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Python's `round` (half to even), which Qwen2-VL's `smart_resize` relies on. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface ProfileSpec {
  id: ProfileId;
  source: string;
  contextTokens: number;
  imageLadder: readonly number[];
  lowDetailStep?: boolean;
  /** Default [1, 0.5, 0.25]. */
  videoFpsLadder?: readonly number[];
  imageTokens(width: number, height: number, detail?: ImageDetail): number;
  /** Native video; omitted: every sampled frame costs one image at the frame size. */
  video?: { frames(video: VideoPart, sampling: VideoSampling): number; tokens(video: VideoPart, sampling: VideoSampling): number };
  /** Native audio; omitted: the ASR transcript's text tokens ({@link asrTranscriptTokens}). */
  audioTokens?: (audio: AudioPart) => number;
}

/** A {@link ModelProfile} from its formulas, with frames-as-images video and ASR audio where the family has no native path. */
export function defineProfile(spec: ProfileSpec): ModelProfile {
  const imageTokens = spec.imageTokens;
  const video = spec.video ?? {
    frames: sampledFrames,
    tokens: (v: VideoPart, s: VideoSampling) => sampledFrames(v, s) * imageTokens(v.width, v.height, 'auto'),
  };
  return Object.freeze({
    id: spec.id,
    source: spec.source,
    contextTokens: spec.contextTokens,
    nativeAudio: spec.audioTokens !== undefined,
    nativeVideo: spec.video !== undefined,
    imageLadder: Object.freeze([...spec.imageLadder]),
    lowDetailStep: spec.lowDetailStep ?? false,
    videoFpsLadder: Object.freeze([...(spec.videoFpsLadder ?? [1, 0.5, 0.25])]),
    imageTokens,
    videoFrames: video.frames,
    videoTokens: video.tokens,
    audioTokens: spec.audioTokens ?? asrTranscriptTokens,
  });
}
