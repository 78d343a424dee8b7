import { formatDuration, formatTokens, rejectionHint, type HintInput } from './hint';

const base: HintInput = { estimated: 0, limit: 32_768, reservedOutputTokens: 1024, byModality: { text: 0, image: 0, audio: 0, video: 0 }, videoSeconds: 0, audioSeconds: 0, images: 0 };

describe('rejection hints', () => {
  it('formats numbers and durations for people', () => {
    expect(formatTokens(345_600)).toBe('345,600');
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(1_048_576)).toBe('1,048,576');
    expect(formatDuration(220)).toBe('3 minutes');
    expect(formatDuration(119)).toBe('1 minute');
    expect(formatDuration(60)).toBe('1 minute');
    expect(formatDuration(59.9)).toBe('59 seconds');
    expect(formatDuration(1)).toBe('1 second');
  });

  it('sizes the video from the numbers: room left ÷ tokens per second', () => {
    // 31,744 available, 20 of text, 600 s of video at 144 tokens/s → ≈ 220 s
    const h = { ...base, estimated: 86_420, byModality: { text: 20, image: 0, audio: 0, video: 86_400 }, videoSeconds: 600 };
    expect(rejectionHint(h)).toBe('Video exceeds the context limit; try a clip shorter than 3 minutes.');
    expect(rejectionHint({ ...h, limit: 8192 })).toBe('Video exceeds the context limit; try a clip shorter than 49 seconds.');
    expect(rejectionHint({ ...h, limit: 1050 })).toBe('Video exceeds the context limit; even a 1-second clip would not fit. Remove the video or shorten the conversation.');
  });

  it('says so when the rest of the request leaves no room for the video', () => {
    const h = { ...base, estimated: 90_000, byModality: { text: 40_000, image: 0, audio: 0, video: 50_000 }, videoSeconds: 100 };
    expect(rejectionHint(h)).toBe('Video exceeds the context limit. The rest of the request already needs 40,000 of the 31,744 input tokens available; remove the video or shorten the conversation.');
  });

  it('sizes audio the same way', () => {
    const h = { ...base, limit: 4096, reservedOutputTokens: 96, estimated: 11_710, byModality: { text: 10, image: 0, audio: 11_700, video: 0 }, audioSeconds: 3600 };
    expect(rejectionHint(h)).toBe('Audio exceeds the context limit; try a clip shorter than 20 minutes.');
  });

  it('counts how many images would fit at the smallest size', () => {
    const h = { ...base, limit: 1000, reservedOutputTokens: 0, estimated: 1210, byModality: { text: 10, image: 1200, audio: 0, video: 0 }, images: 10 };
    expect(rejectionHint(h)).toBe('Images exceed the context limit even at the smallest size (~120 tokens each); send at most 8 images.');
    expect(rejectionHint({ ...h, limit: 140 })).toBe('Images exceed the context limit even at the smallest size (~120 tokens each); send at most 1 image.');
    expect(rejectionHint({ ...h, limit: 100 })).toMatch(/^Images exceed the context limit even at the smallest size\. The rest of the request already needs 10 of the 100/);
  });

  it('blames the text that must be kept, or the output reserve', () => {
    expect(rejectionHint({ ...base, limit: 100, reservedOutputTokens: 0, estimated: 150, byModality: { text: 150, image: 0, audio: 0, video: 0 } })).toBe(
      'The text that must be kept (system messages and the last user turn) needs 150 tokens; shorten it or lower max_tokens.',
    );
    expect(rejectionHint({ ...base, limit: 100, reservedOutputTokens: 100, estimated: 10, byModality: { text: 10, image: 0, audio: 0, video: 0 } })).toBe(
      'The 100 tokens reserved for the output (max_tokens) leave no room for input in a 100-token context; lower max_tokens.',
    );
  });
});
