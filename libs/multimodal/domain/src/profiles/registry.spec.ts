import { FrontierError } from '@frontier/platform-util';
import { tiktokenCounter } from '../text/tiktoken';
import { defaultVideoSampling, estimateImageTokens, estimateTokens, getProfile, isProfileId, PROFILE_IDS, PROFILES } from './registry';
import { UnknownProfileError } from './profile';

describe('profile registry', () => {
  it('ships the five profiles', () => {
    expect(PROFILE_IDS).toEqual(['llava-1.5', 'qwen2-vl', 'openai-tiles', 'anthropic', 'gemini']);
    for (const id of PROFILE_IDS) expect(getProfile(id)).toBe(PROFILES[id]);
    expect(isProfileId('gemini')).toBe(true);
    expect(isProfileId('toString')).toBe(false);
  });

  it('refuses an unknown id with a typed error naming it', () => {
    let e: unknown;
    try {
      getProfile('gpt-9-vision');
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(UnknownProfileError);
    expect(e).toBeInstanceOf(FrontierError);
    expect(e).toMatchObject({ category: 'invalid', code: 'multimodal.unknown_profile', field: 'profile', profileId: 'gpt-9-vision' });
    expect((e as Error).message).toBe('unknown model profile "gpt-9-vision" (known: llava-1.5, qwen2-vl, openai-tiles, anthropic, gemini)');
  });

  it('estimates image tokens by profile id', () => {
    expect(estimateImageTokens('llava-1.5', { width: 1920, height: 1080 })).toBe(576);
    expect(estimateImageTokens('openai-tiles', { width: 1024, height: 1024 })).toBe(765);
    expect(estimateImageTokens('openai-tiles', { width: 1024, height: 1024, detail: 'low' })).toBe(85);
    expect(estimateImageTokens('anthropic', { width: 1092, height: 1092 })).toBe(1590);
    expect(estimateImageTokens('gemini', { width: 960, height: 540 })).toBe(1548);
    expect(estimateImageTokens('qwen2-vl', { width: 1920, height: 1080 })).toBe(2691);
    expect(() => estimateImageTokens('nope', { width: 1, height: 1 })).toThrow(UnknownProfileError);
  });

  it('estimates every part kind', () => {
    expect(estimateTokens('llava-1.5', { kind: 'text', text: 'abcdefgh' })).toBe(2);
    expect(estimateTokens('llava-1.5', { kind: 'file', text: 'abcdefghi' })).toBe(3);
    expect(estimateTokens('openai-tiles', { kind: 'text', text: 'hello world' }, tiktokenCounter('o200k_base'))).toBe(2);
    expect(estimateTokens('gemini', { kind: 'image', width: 100, height: 100 })).toBe(258);
    expect(estimateTokens('gemini', { kind: 'audio', durationS: 30 })).toBe(960);
    expect(estimateTokens('anthropic', { kind: 'audio', durationS: 60 })).toBe(195);
    const clip = { kind: 'video' as const, durationS: 30, fps: 30, keyframes: 10, width: 1920, height: 1080 };
    expect(estimateTokens('llava-1.5', clip)).toBe(17_280);
    expect(estimateTokens('gemini', clip)).toBe(30 * 263);
    expect(estimateTokens('qwen2-vl', clip)).toBe(getProfile('qwen2-vl').videoTokens(clip, { mode: 'fps', fps: 2 }));
  });

  it('samples video at each profile’s first ladder rate by default', () => {
    expect(defaultVideoSampling(PROFILES['qwen2-vl'])).toEqual({ mode: 'fps', fps: 2 });
    expect(defaultVideoSampling(PROFILES['llava-1.5'])).toEqual({ mode: 'fps', fps: 1 });
  });
});
