import type { ImageDetail, PartMeta } from '../parts';
import { estimateTextCounter, type TextCounter } from '../text/counter';
import { ANTHROPIC } from './anthropic';
import { GEMINI } from './gemini';
import { LLAVA_15 } from './llava';
import { OPENAI_TILES } from './openai-tiles';
import { UnknownProfileError, type ModelProfile, type ProfileId, type VideoSampling } from './profile';
import { QWEN2_VL } from './qwen2-vl';

/** Every shipped profile by id. */
export const PROFILES: Readonly<Record<ProfileId, ModelProfile>> = Object.freeze({
  'llava-1.5': LLAVA_15,
  'qwen2-vl': QWEN2_VL,
  'openai-tiles': OPENAI_TILES,
  anthropic: ANTHROPIC,
  gemini: GEMINI,
});

export const PROFILE_IDS = Object.keys(PROFILES) as ProfileId[];

export function isProfileId(id: string): id is ProfileId {
  return Object.prototype.hasOwnProperty.call(PROFILES, id);
}

/** The profile with this id; {@link UnknownProfileError} (400, naming the id) otherwise. */
export function getProfile(id: string): ModelProfile {
  if (!isProfileId(id)) throw new UnknownProfileError(id, PROFILE_IDS);
  return PROFILES[id];
}

/** Image tokens under a profile, before any ladder step (`detail` matters to openai-tiles only). */
export function estimateImageTokens(profileId: string, image: { width: number; height: number; detail?: ImageDetail }): number {
  return getProfile(profileId).imageTokens(image.width, image.height, image.detail);
}

/** A profile's default video sampling: the first rate of its fps ladder. */
export function defaultVideoSampling(profile: ModelProfile): VideoSampling {
  return { mode: 'fps', fps: profile.videoFpsLadder[0] ?? 1 };
}

/**
 * Tokens one part costs under a profile, undegraded: text and files through `textCounter`
 * (default {@link estimateTextCounter}; no chat overhead), images at their size and detail,
 * audio natively or as its ASR transcript, video at the profile's default sampling.
 */
export function estimateTokens(profileId: string, part: PartMeta, textCounter: TextCounter = estimateTextCounter): number {
  const profile = getProfile(profileId);
  switch (part.kind) {
    case 'text':
    case 'file':
      return textCounter.count(part.text);
    case 'image':
      return profile.imageTokens(part.width, part.height, part.detail);
    case 'audio':
      return profile.audioTokens(part);
    case 'video':
      return profile.videoTokens(part, defaultVideoSampling(profile));
  }
}
