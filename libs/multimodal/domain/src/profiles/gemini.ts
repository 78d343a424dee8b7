import type { AudioPart, VideoPart } from '../parts';
import { ceilCount, defineProfile, sampledFrames, type VideoSampling } from './profile';

export const GEMINI_TILE_TOKENS = 258;
export const GEMINI_SMALL_IMAGE_PX = 384;
/** "Video is tokenized at 263 tokens per second" at the default 1-fps sampling: 263 per sampled frame. */
export const GEMINI_VIDEO_TOKENS_PER_FRAME = 263;
export const GEMINI_AUDIO_TOKENS_PER_SECOND = 32;

/**
 * Gemini 2.x image tokens (Gemini API "token calculation"): both sides ≤ 384 px → 258; else the
 * image is cut into crop units of ⌊min(w, h) / 1.5⌋ px (scaled to 768-px tiles), each 258 tokens:
 * ⌈w/unit⌉·⌈h/unit⌉ tiles (Google's example: 960×540 → unit 360 → 3×2 tiles → 1548). The tile
 * count depends on the aspect ratio only, so downscaling helps only down to 384 px.
 */
export function geminiImageTokens(width: number, height: number): number {
  if (width <= GEMINI_SMALL_IMAGE_PX && height <= GEMINI_SMALL_IMAGE_PX) return GEMINI_TILE_TOKENS;
  const unit = Math.max(1, Math.floor(Math.min(width, height) / 1.5));
  return Math.ceil(width / unit) * Math.ceil(height / unit) * GEMINI_TILE_TOKENS;
}

/** 263 tokens per sampled frame (263 tokens/s at the default 1 fps). The clip's soundtrack is not counted here: send it as an audio part. */
export function geminiVideoTokens(video: VideoPart, sampling: VideoSampling): number {
  return sampledFrames(video, sampling) * GEMINI_VIDEO_TOKENS_PER_FRAME;
}

/** 32 tokens per second of audio, rounded up. */
export function geminiAudioTokens(audio: AudioPart): number {
  return ceilCount(audio.durationS * GEMINI_AUDIO_TOKENS_PER_SECOND);
}

export const GEMINI = defineProfile({
  id: 'gemini',
  source: 'Gemini API token docs: images ≤ 384 px 258, else crop-unit tiles × 258; video 263 tokens/s (1 fps); audio 32 tokens/s',
  contextTokens: 1048576,
  imageLadder: [GEMINI_SMALL_IMAGE_PX],
  imageTokens: geminiImageTokens,
  video: { frames: sampledFrames, tokens: geminiVideoTokens },
  audioTokens: geminiAudioTokens,
});
