/**
 * Safety on raw input, as the gateway runs it: text parts and transcripts through the text
 * classifier, images and video frames through the NSFW scores with the key's thresholds, an audio
 * deepfake port with no default model (reported as not run). A refusal names the part and the
 * category — never scores or the classifier's wording.
 */
import type { EncodedImage } from '@frontier/multimodal-contracts';
import type { KeySafetyRepository } from '@frontier/multimodal-data-access';
import { describeCategory, type SafetyCategory } from '@frontier/multimodal-domain';
import { nsfwVerdict } from '@frontier/multimodal-encoders';
import { FrontierError } from '@frontier/platform-util';
import { soundtrackWav, type AudioDeepfakeDetector } from './audio-deepfake';
import { createOutputScanner, type OutputScanner } from './output-scanner';
import type { TextSafetyClassifier } from './text-classifier';

/** A refusal of the content itself: 400 content_policy_violation, naming the part. */
export class ContentPolicyError extends FrontierError {
  constructor(field: string, message: string) {
    super('invalid', 'content_policy_violation', message, { field });
  }
}

export interface NsfwThresholds {
  explicit: number;
  suggestive: number;
}

/** What the response's `safety` metadata says was checked. */
export interface SafetyReport {
  text: string;
  images: string;
  /** No deepfake detector ships: `not_run` unless one is configured. */
  audio_deepfake: 'not_run' | 'passed';
  output: string;
}

export interface SafetyPort {
  /** `audioChecked`: the deepfake detector ran on at least one clip and passed it. */
  report(hasImages: boolean, audioChecked?: boolean): SafetyReport;
  /**
   * Throws {@link ContentPolicyError} naming the first clip the deepfake detector flags; false when no
   * detector is configured (or nothing to check). `videos`: clips whose soundtrack (decoded to WAV) is
   * checked; a video without sound is passed over.
   */
  checkAudio(clips: ReadonlyArray<{ path: string; bytes: Uint8Array }>, signal: AbortSignal, videos?: ReadonlyArray<{ path: string; bytes: Uint8Array }>): Promise<boolean>;
  /** Throws {@link ContentPolicyError} naming the first flagged item. */
  checkTexts(items: ReadonlyArray<{ path: string; text: string }>, signal: AbortSignal): Promise<void>;
  /** The key's NSFW thresholds (its override, else the gateway's default). */
  thresholds(keyId: string): Promise<NsfwThresholds>;
  /** Throws when an image (or frame) is explicit under `t`. */
  checkImages(images: Iterable<EncodedImage>, t: NsfwThresholds): void;
  /** A scanner for one streamed answer: the rules on every delta, the text classifier in chunks beside the stream. */
  outputScanner(signal: AbortSignal): OutputScanner;
}

export const SAFETY_PORT = Symbol('SAFETY_PORT');

export const DEFAULT_NSFW: NsfwThresholds = { explicit: 0.7, suggestive: 0.6 };

export interface SafetyOptions {
  text: TextSafetyClassifier;
  /** The output scan's synchronous rules (every delta); the text classifier runs on the output too unless it is the rules. */
  output: (text: string) => SafetyCategory[];
  nsfw?: NsfwThresholds;
  /** The key's overrides (null: none); cached briefly by the caller. */
  keyThresholds?: (keyId: string) => Promise<Partial<NsfwThresholds> | null>;
  imageSafety: boolean;
  /** No default model: absent/null → the check does not run (`audio_deepfake: 'not_run'`). */
  audioDeepfake?: AudioDeepfakeDetector | null;
}

/** The first image (or frame) explicit under `t`, or null. */
export function firstExplicit(images: Iterable<EncodedImage>, t: NsfwThresholds): EncodedImage | null {
  for (const img of images) if (img.nsfw && nsfwVerdict(img.nsfw.scores, t) === 'explicit') return img;
  return null;
}

export const explicitMessage = (part: string) => `${part} was refused by the image safety check: explicit sexual content (S12 (Sexual Content))`;

/** A key's NSFW overrides from `multimodal_key_safety` (null: none). */
export function keySafetyThresholds(repo: KeySafetyRepository): (keyId: string) => Promise<Partial<NsfwThresholds> | null> {
  return async (keyId) => {
    const k = await repo.get(keyId);
    return k ? { ...(k.nsfwExplicit !== null ? { explicit: k.nsfwExplicit } : {}), ...(k.nsfwSuggestive !== null ? { suggestive: k.nsfwSuggestive } : {}) } : null;
  };
}

/** Each clip's (or soundtrack's) verdict from the detector; throws naming the first one flagged. */
async function detectFakes(detector: AudioDeepfakeDetector, clips: ReadonlyArray<{ path: string; bytes: Uint8Array; what: string }>, signal: AbortSignal): Promise<void> {
  const verdicts = await Promise.all(clips.map(async (c) => ({ c, fake: await detector.detect(c.bytes, signal) })));
  const hit = verdicts.find((v) => v.fake);
  if (hit) throw new ContentPolicyError(hit.c.path, `${hit.c.path} was refused by the audio safety check: synthetic or cloned voice${hit.c.what}`);
}

export function refusal(path: string, categories: readonly SafetyCategory[]): ContentPolicyError {
  return new ContentPolicyError(path, `${path} was refused by the content safety check: ${categories.map(describeCategory).join(', ')}`);
}

export function createSafetyPort(o: SafetyOptions): SafetyPort {
  const base = o.nsfw ?? DEFAULT_NSFW;
  const cache = new Map<string, { at: number; t: NsfwThresholds }>();
  const outputClassifier = o.text.id === 'rules' ? null : o.text;
  return {
    report: (hasImages, audioChecked = false) => ({
      text: o.text.id,
      images: hasImages ? (o.imageSafety ? 'nsfwjs' : 'off') : 'none',
      audio_deepfake: audioChecked ? 'passed' : 'not_run',
      output: outputClassifier ? `rules+${outputClassifier.id}` : 'rules',
    }),
    async checkAudio(clips, signal, videos = []) {
      const detector = o.audioDeepfake;
      if (!detector || !(clips.length || videos.length)) return false;
      const tracks = await Promise.all(videos.map(async (v) => ({ path: v.path, bytes: await soundtrackWav(v.bytes, signal), what: ' (soundtrack)' })));
      const all = [...clips.map((c) => ({ ...c, what: '' })), ...tracks.flatMap((t) => (t.bytes ? [{ ...t, bytes: t.bytes }] : []))];
      if (!all.length) return false;
      await detectFakes(detector, all, signal);
      return true;
    },
    async checkTexts(items, signal) {
      const verdicts = await Promise.all(items.filter((i) => i.text.trim()).map(async (i) => ({ i, v: await o.text.classify(i.text, signal) })));
      const hit = verdicts.find((x) => x.v.flagged);
      if (hit) throw refusal(hit.i.path, hit.v.categories);
    },
    async thresholds(keyId) {
      if (!o.keyThresholds) return base;
      const c = cache.get(keyId);
      if (c && Date.now() - c.at < 5_000) return c.t;
      const k = await o.keyThresholds(keyId);
      const t = { explicit: k?.explicit ?? base.explicit, suggestive: k?.suggestive ?? base.suggestive };
      cache.set(keyId, { at: Date.now(), t });
      return t;
    },
    checkImages(images, t) {
      const hit = firstExplicit(images, t);
      if (hit) throw new ContentPolicyError(hit.part, explicitMessage(hit.part));
    },
    outputScanner: (signal) => createOutputScanner({ rules: o.output, classifier: outputClassifier }, signal),
  };
}
