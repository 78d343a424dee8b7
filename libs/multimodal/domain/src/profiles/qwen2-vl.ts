import { defineProfile, roundHalfEven, sampledFrames, type VideoSampling } from './profile';
import type { VideoPart } from '../parts';

/** 14-px patches merged 2×2: one token per 28×28 pixels. */
export const QWEN_FACTOR = 28;
/** Qwen2-VL's preprocessor_config.json: min_pixels 3136 (4 tokens), max_pixels 12845056 (16384 tokens). */
export const QWEN_MIN_PIXELS = 4 * 28 * 28;
export const QWEN_MAX_PIXELS = 16384 * 28 * 28;
/** The video processor's per-frame bounds (128…768 tokens per frame pair), sampling and frame limits. */
export const QWEN_VIDEO_MIN_PIXELS = 128 * 28 * 28;
export const QWEN_VIDEO_MAX_PIXELS = 768 * 28 * 28;
export const QWEN_VIDEO_FPS = 2;
export const QWEN_VIDEO_MIN_FRAMES = 4;
export const QWEN_VIDEO_MAX_FRAMES = 768;
/** Two consecutive frames share one token grid (temporal patch size 2). */
export const QWEN_TEMPORAL_PATCH = 2;

/**
 * Qwen2-VL's `smart_resize` (transformers `image_processing_qwen2_vl`): round each side to the
 * nearest multiple of 28 (Python's half-to-even `round`, at least 28), then, if the area exceeds
 * `maxPixels`, scale down (floor to 28) or, if below `minPixels`, scale up (ceil to 28), keeping
 * the aspect ratio. (Qwen refuses aspect ratios over 200; this estimate does not.)
 */
export function qwenSmartResize(height: number, width: number, minPixels = QWEN_MIN_PIXELS, maxPixels = QWEN_MAX_PIXELS): { height: number; width: number } {
  const f = QWEN_FACTOR;
  let h = Math.max(f, roundHalfEven(height / f) * f);
  let w = Math.max(f, roundHalfEven(width / f) * f);
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(f, Math.floor(height / beta / f) * f);
    w = Math.max(f, Math.floor(width / beta / f) * f);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / f) * f;
    w = Math.ceil((width * beta) / f) * f;
  }
  return { height: h, width: w };
}

/** (H/28)·(W/28) after {@link qwenSmartResize}: 4…16384 tokens. */
export function qwenImageTokens(width: number, height: number): number {
  const r = qwenSmartResize(height, width);
  return (r.height / QWEN_FACTOR) * (r.width / QWEN_FACTOR);
}

/**
 * Frames the video processor keeps: at `fps`, ⌈duration × fps⌉ clamped to 4…768 and to the
 * source's frames; keyframes as given; then padded to a multiple of the temporal patch (2).
 */
export function qwenVideoFrames(video: VideoPart, sampling: VideoSampling): number {
  let n = sampledFrames(video, sampling);
  if (sampling.mode === 'fps') n = Math.min(Math.max(n, QWEN_VIDEO_MIN_FRAMES), QWEN_VIDEO_MAX_FRAMES);
  return Math.ceil(n / QWEN_TEMPORAL_PATCH) * QWEN_TEMPORAL_PATCH;
}

/** frames/2 × (H/28)(W/28), each frame resized within the video bounds (128…768 tokens). */
export function qwenVideoTokens(video: VideoPart, sampling: VideoSampling): number {
  const r = qwenSmartResize(video.height, video.width, QWEN_VIDEO_MIN_PIXELS, QWEN_VIDEO_MAX_PIXELS);
  return (qwenVideoFrames(video, sampling) / QWEN_TEMPORAL_PATCH) * (r.height / QWEN_FACTOR) * (r.width / QWEN_FACTOR);
}

export const QWEN2_VL = defineProfile({
  id: 'qwen2-vl',
  source: 'Qwen2-VL (transformers Qwen2VLImageProcessor / video processor): smart_resize to multiples of 28, (H/28)(W/28) tokens; video 2 fps, temporal patch 2',
  contextTokens: 32768,
  imageLadder: [1344, 896, 448, 224, 112],
  videoFpsLadder: [QWEN_VIDEO_FPS, 1, 0.5, 0.25],
  imageTokens: qwenImageTokens,
  video: { frames: qwenVideoFrames, tokens: qwenVideoTokens },
});
