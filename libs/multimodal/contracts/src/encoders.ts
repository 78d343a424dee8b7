/**
 * The gateway ↔ encoder-worker request–reply contract (@nestjs/microservices message patterns, Redis or
 * NATS transport) and the in-process (`ENCODERS=inline`) contract alike.
 */
export const ENCODER_PATTERNS = {
  /** EncodeImagesRequest → EncodeImagesReply */
  encodeImages: 'multimodal.encoder.encode-images',
  /** {} → EncoderHealth */
  health: 'multimodal.encoder.health',
} as const;

/** Image bytes travel by content hash through a Redis blob store; small ones may travel inline. */
export interface EncodeImageInput {
  /** The part's place in the request, e.g. "messages[2].content[1]" (named back in errors). */
  part: string;
  /** sha256 of the raw bytes, hex: the cache key and the blob key. */
  sha256: string;
  /** Raw bytes, base64, when small enough to send inline; else fetched from the blob store by sha256. */
  dataB64?: string;
  /** Longest side to resize to (the plan's choice); null keeps the size. */
  maxSide: number | null;
  /** Run OCR and return the text (put into the prompt for models without vision). */
  ocr: boolean;
  /** Run the NSFW check on the raw image. */
  safety: boolean;
  /**
   * Also compute a vision-encoder embedding (only where the worker has one: `VISION_ENCODER_DIR`;
   * else `embedding` is null). Optional, default false. (Added by the encoders lib.)
   */
  embed?: boolean;
}

export interface EncodeImagesRequest {
  requestId: string;
  images: EncodeImageInput[];
  /** Wall-clock deadline, epoch ms: work not started by then is refused as busy. */
  deadline: number;
}

export type NsfwVerdict = 'ok' | 'suggestive' | 'explicit';

export interface EncodedImage {
  part: string;
  sha256: string;
  width: number;
  height: number;
  mime: 'image/png' | 'image/jpeg';
  /** The resized image, base64 (what the upstream model receives). */
  dataB64: string;
  /**
   * sha256 (hex) of the resized bytes. On the wire of a transport (Redis/NATS) an image over 64 KB
   * comes with `dataB64: ''` and its bytes in the blob store under this hash; the client
   * (`@frontier/multimodal-encoders`) fetches them, so its callers always see `dataB64` filled.
   * Optional, added by the encoders lib.
   */
  outSha256?: string;
  ocrText: string | null;
  nsfw: { verdict: NsfwVerdict; scores: Record<string, number> } | null;
  /** L2-normalised vision-encoder embedding when `embed` was asked and a model is configured; else null/absent. */
  embedding?: number[] | null;
  /** True when served from the content-hash cache. */
  cached: boolean;
  /** Encoder time for this image, ms (0 when cached). */
  ms: number;
}

export type EncoderErrorCode = 'busy' | 'invalid_image' | 'unavailable';

export type EncodeImagesReply =
  | { ok: true; images: EncodedImage[] }
  | { ok: false; code: EncoderErrorCode; message: string; part?: string; retryAfterS?: number };

export interface EncoderHealth {
  ok: boolean;
  inFlight: number;
  queued: number;
  capacity: number;
  models: string[];
}
