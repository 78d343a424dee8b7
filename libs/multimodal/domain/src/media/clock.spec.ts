import { formatClock, transcriptPromptText } from './clock';

describe('formatClock / transcriptPromptText', () => {
  it('writes times the way people cite them', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(83)).toBe('1:23');
    expect(formatClock(83.96)).toBe('1:23');
    expect(formatClock(3.46, 1)).toBe('0:03.4');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(-1)).toBe('0:00');
  });

  it('puts timestamped segments into one prompt line, or says there was no speech', () => {
    expect(transcriptPromptText('Audio 1', 7400, [{ startMs: 800, endMs: 2400, text: 'hello there' }, { startMs: 3100, endMs: 5000, text: 'bye' }])).toBe(
      '[Audio 1, 0:07 long, transcript: [0:00.8–0:02.4] hello there [0:03.1–0:05.0] bye]',
    );
    expect(transcriptPromptText('Audio 2', 1000, [])).toBe('[Audio 2, 0:01 long: no speech found in it]');
  });
});
