import { DEFAULT_EPISODES, EPISODE_CONFIDENCE, EPISODE_TYPE, episodeEmbeddingText, episodeIndexTexts, episodesFromTurns, episodeText, formatEpisodeDate, isEpisode, isSignificantTurn, withoutDate } from './episodic';
import type { Turn } from './significance';
import { DEFAULT_TYPE_POLICIES, isMemoryType } from './taxonomy';

const AT = new Date('2023-05-08T13:56:00Z');
const turn = (id: string, text: string, over: Partial<Turn> = {}): Turn => ({ id, role: 'user', text, ...over });

describe('episode text', () => {
  it('formatEpisodeDate: day month year in UTC', () => {
    expect(formatEpisodeDate(AT)).toBe('8 May 2023');
    expect(formatEpisodeDate(new Date('2024-12-31T23:59:59Z'))).toBe('31 December 2024');
    expect(formatEpisodeDate(new Date('2024-01-01T00:00:00Z'))).toBe('1 January 2024');
  });
  it('episodeText: [date] speaker: words, each part only when known; trimmed', () => {
    expect(episodeText({ text: '  I went to a support group.  ', at: AT, speaker: ' Caroline ' })).toBe('[8 May 2023] Caroline: I went to a support group.');
    expect(episodeText({ text: 'I went.', speaker: 'Caroline' })).toBe('Caroline: I went.');
    expect(episodeText({ text: 'I went.', at: AT })).toBe('[8 May 2023] I went.');
    expect(episodeText({ text: 'I went.', at: AT, speaker: '  ' })).toBe('[8 May 2023] I went.');
  });
  it('episodeEmbeddingText: speaker and words, never the date', () => {
    expect(episodeEmbeddingText({ text: ' Hello there ', speaker: 'Mel' })).toBe('Mel: Hello there');
    expect(episodeEmbeddingText({ text: ' Hello there ' })).toBe('Hello there');
  });
  it('withoutDate drops only a leading [..] prefix', () => {
    expect(withoutDate('[8 May 2023] Caroline: hi [sic]')).toBe('Caroline: hi [sic]');
    expect(withoutDate('Caroline: [8 May] hi')).toBe('Caroline: [8 May] hi');
  });
});

describe('significant turns', () => {
  it('the user\'s turns with at least two content words by default', () => {
    expect(DEFAULT_EPISODES).toEqual({ minContentWords: 2, roles: ['user'] });
    expect(isSignificantTurn(turn('1', 'I adopted a cat'))).toBe(true);
    expect(isSignificantTurn(turn('1', 'ok thanks!'))).toBe(true); // two content words
    expect(isSignificantTurn(turn('1', 'thanks!'))).toBe(false);
    expect(isSignificantTurn(turn('1', 'yes it is what it was'))).toBe(false); // stop words only
    expect(isSignificantTurn(turn('1', 'I adopted a cat', { role: 'assistant' }))).toBe(false);
    expect(isSignificantTurn(turn('1', 'I adopted a cat', { role: 'system' }))).toBe(false);
  });
  it('options: roles, threshold, excluded turns', () => {
    expect(isSignificantTurn(turn('1', 'I adopted a cat', { role: 'assistant' }), { roles: ['user', 'assistant'] })).toBe(true);
    expect(isSignificantTurn(turn('1', 'adopted cat'), { minContentWords: 3 })).toBe(false);
    expect(isSignificantTurn(turn('1', 'adopted cat Miso'), { minContentWords: 3 })).toBe(true);
    expect(isSignificantTurn(turn('1', 'thanks'), { minContentWords: 0 })).toBe(true);
    expect(isSignificantTurn(turn('7', 'I adopted a cat'), { excludeTurnIds: new Set(['7']) })).toBe(false);
    expect(isSignificantTurn(turn('8', 'I adopted a cat'), { excludeTurnIds: new Set(['7']) })).toBe(true);
  });
});

describe('episodesFromTurns', () => {
  it('one episode candidate per significant turn: type, confidence, provenance, event time', () => {
    const out = episodesFromTurns([turn('D1:1', 'Hi!'), turn('D1:2', 'I adopted a cat named Miso.', { at: AT, speaker: 'Sam' }), turn('D1:3', 'Nice', { role: 'assistant' }), turn('D1:4', 'She sleeps all day')]);
    expect(out).toEqual([
      { text: '[8 May 2023] Sam: I adopted a cat named Miso.', type: 'episode', confidence: EPISODE_CONFIDENCE, turnIds: ['D1:2'], validAt: AT },
      { text: 'She sleeps all day', type: 'episode', confidence: EPISODE_CONFIDENCE, turnIds: ['D1:4'] },
    ]);
    expect(EPISODE_CONFIDENCE).toBeGreaterThan(0.7);
  });
  it('episode is a memory type: volatile, normal sensitivity, the everyday decay, never superseded', () => {
    expect(EPISODE_TYPE).toBe('episode');
    expect(isMemoryType('episode')).toBe(true);
    expect(DEFAULT_TYPE_POLICIES.episode).toMatchObject({ durability: 'volatile', sensitivity: 'normal', halfLifeDays: 180, tenthLifeDays: 730 });
    expect(DEFAULT_TYPE_POLICIES.episode.supersedeMinConfidence).toBeGreaterThan(1);
    expect(isEpisode({ type: 'episode' })).toBe(true);
    expect(isEpisode({ type: 'context' })).toBe(false);
  });
});

describe('episodeIndexTexts', () => {
  const e = (id: string, ordinal: number, sessionId = 's1') => ({ id, text: `[1 May 2023] ${id} said`, sessionId, ordinal });
  it('each episode with its neighbours in the session (dates dropped), in transcript order', () => {
    const out = episodeIndexTexts([e('c', 5), e('a', 1), e('b', 3), e('x', 2, 's2')], 1);
    expect(out.get('a')).toBe('[1 May 2023] a said b said');
    expect(out.get('b')).toBe('[1 May 2023] b said a said c said');
    expect(out.get('c')).toBe('[1 May 2023] c said b said');
    expect(out.get('x')).toBe('[1 May 2023] x said');
  });
  it('width 2 and the default width', () => {
    const eps = [e('a', 0), e('b', 1), e('c', 2), e('d', 3), e('f', 4)];
    expect(episodeIndexTexts(eps, 2).get('c')).toBe('[1 May 2023] c said a said b said d said f said');
    expect(episodeIndexTexts(eps, 2).get('a')).toBe('[1 May 2023] a said b said c said');
    expect(episodeIndexTexts(eps).get('c')).toBe(episodeIndexTexts(eps, 2).get('c'));
    expect(episodeIndexTexts(eps, 0).get('c')).toBe('[1 May 2023] c said');
    expect(episodeIndexTexts([]).size).toBe(0);
  });
});
