/** Size and duration limits for media parts, with typed overrides. */

const MiB = 1024 * 1024;

export interface MediaLimits {
  image: {
    /** bytes of one image (OpenAI: 20 MB) */
    maxBytes: number;
    /** width × height */
    maxPixels: number;
    /** the longer side, in pixels */
    maxSide: number;
    /** frames of an animated image */
    maxFrames: number;
  };
  audio: { maxBytes: number; maxSeconds: number };
  video: { maxBytes: number; maxSeconds: number; maxPixels: number };
  document: { maxBytes: number };
}

export type MediaLimitsOverrides = { [K in keyof MediaLimits]?: Partial<MediaLimits[K]> };

/**
 * Defaults: image 20 MiB, 50 MP, 16 384 px a side, 1 000 frames; audio 25 MiB (OpenAI's
 * transcription limit), 30 min; video 200 MiB, 10 min, 8K UHD (7680×4320) pixels; documents 32 MiB.
 */
export const MEDIA_LIMITS: Readonly<MediaLimits> = Object.freeze({
  image: Object.freeze({ maxBytes: 20 * MiB, maxPixels: 50_000_000, maxSide: 16_384, maxFrames: 1_000 }),
  audio: Object.freeze({ maxBytes: 25 * MiB, maxSeconds: 30 * 60 }),
  video: Object.freeze({ maxBytes: 200 * MiB, maxSeconds: 10 * 60, maxPixels: 7680 * 4320 }),
  document: Object.freeze({ maxBytes: 32 * MiB }),
});

/**
 * `base` with `overrides` applied per group (`mediaLimits({image: {maxPixels: 1e6}})`). Every value
 * must be a positive number (`Infinity` disables a limit); anything else throws a `RangeError`
 * naming the field — a configuration error, not a media error.
 */
export function mediaLimits(overrides: MediaLimitsOverrides = {}, base: Readonly<MediaLimits> = MEDIA_LIMITS): MediaLimits {
  const out = {
    image: { ...base.image, ...overrides.image },
    audio: { ...base.audio, ...overrides.audio },
    video: { ...base.video, ...overrides.video },
    document: { ...base.document, ...overrides.document },
  };
  for (const [group, values] of Object.entries(out)) {
    for (const [key, v] of Object.entries(values)) {
      if (typeof v !== 'number' || Number.isNaN(v) || v <= 0) throw new RangeError(`media limit ${group}.${key} must be a positive number, got ${String(v)}`);
    }
  }
  for (const [g, values] of Object.entries(overrides)) {
    if (!(g in base)) throw new RangeError(`unknown media limit group ${g}`);
    for (const k of Object.keys(values ?? {})) {
      if (!(k in base[g as keyof MediaLimits])) throw new RangeError(`unknown media limit ${g}.${k}`);
    }
  }
  return out;
}
