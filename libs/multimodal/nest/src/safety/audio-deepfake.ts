/**
 * The audio deepfake port: no model ships, so by default nothing runs and the response metadata
 * says `audio_deepfake: 'not_run'`. `GATEWAY_AUDIO_DEEPFAKE=<url>` plugs in a detector served over
 * HTTP: the clip's raw bytes are POSTed (`content-type: application/octet-stream`) and the answer is
 * `{ "fake": boolean }` (extra fields ignored, never shown to the caller). A video's soundtrack is
 * sent as WAV (16 kHz mono PCM16, decoded by ffmpeg): the same detector, the same answer.
 */
import { encodeWav } from '@frontier/ml-audio';
import { AvError, decodeAudio } from '@frontier/multimodal-encoders';

export interface AudioDeepfakeDetector {
  /** Short name for logs. */
  readonly id: string;
  /** True when the clip is judged synthetic or cloned. */
  detect(bytes: Uint8Array, signal: AbortSignal): Promise<boolean>;
}

export function createHttpDeepfakeDetector(url: string, timeoutMs = 10_000): AudioDeepfakeDetector {
  return {
    id: 'http',
    async detect(bytes, signal) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(bytes),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      if (!res.ok) throw new Error(`audio deepfake detector answered ${res.status}`);
      const body = (await res.json()) as { fake?: unknown };
      if (typeof body.fake !== 'boolean') throw new Error('audio deepfake detector answered without a boolean `fake`');
      return body.fake;
    },
  };
}

/** A clip's first audio stream as WAV (16 kHz mono PCM16), or null when it has none. */
export async function soundtrackWav(bytes: Uint8Array, signal: AbortSignal): Promise<Uint8Array | null> {
  try {
    return encodeWav(await decodeAudio(bytes, { signal }));
  } catch (e) {
    if (e instanceof AvError && (e.code === 'no_stream' || e.code === 'undecodable')) return null; // no sound to check (a bad clip is refused by its own decoding)
    throw e;
  }
}
