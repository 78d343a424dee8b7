import { InvalidInputError } from '@frontier/platform-util';
import { MODALITIES, modalityOf, partPath, validatePart, validateTurns, type PartMeta } from './parts';

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('parts', () => {
  it('addresses a part as the OpenAI request spells it', () => {
    expect(partPath(2, 1)).toBe('messages[2].content[1]');
    expect(partPath(0, 0)).toBe('messages[0].content[0]');
  });

  it('budgets a file as text and every other part as its own modality', () => {
    expect(MODALITIES).toEqual(['text', 'image', 'audio', 'video']);
    expect(modalityOf({ kind: 'file', text: 'x' })).toBe('text');
    expect(modalityOf({ kind: 'text', text: 'x' })).toBe('text');
    expect(modalityOf({ kind: 'image', width: 1, height: 1 })).toBe('image');
    expect(modalityOf({ kind: 'audio', durationS: 1 })).toBe('audio');
    expect(modalityOf({ kind: 'video', durationS: 1, fps: 30, keyframes: 1, width: 2, height: 2 })).toBe('video');
  });

  it('accepts sane metadata', () => {
    const ok: PartMeta[] = [
      { kind: 'text', text: '' },
      { kind: 'file', text: 'doc' },
      { kind: 'image', width: 1, height: 1, detail: 'low' },
      { kind: 'audio', durationS: 0, transcriptTokens: 0 },
      { kind: 'video', durationS: 0, fps: 0.5, keyframes: 0, width: 1, height: 1 },
    ];
    for (const p of ok) expect(() => validatePart(p, 'p')).not.toThrow();
  });

  it.each<[PartMeta, string]>([
    [{ kind: 'image', width: 0, height: 10 }, 'image size 0×10 must be positive'],
    [{ kind: 'image', width: 10, height: Number.NaN }, 'must be positive'],
    [{ kind: 'image', width: 10, height: 10, detail: 'max' as 'low' }, 'unknown detail "max"'],
    [{ kind: 'audio', durationS: -1 }, 'audio duration -1 s'],
    [{ kind: 'audio', durationS: 1, transcriptTokens: 1.5 }, 'transcriptTokens'],
    [{ kind: 'video', durationS: Number.POSITIVE_INFINITY, fps: 30, keyframes: 1, width: 1, height: 1 }, 'video duration'],
    [{ kind: 'video', durationS: 1, fps: 0, keyframes: 1, width: 1, height: 1 }, 'video fps 0'],
    [{ kind: 'video', durationS: 1, fps: 30, keyframes: -1, width: 1, height: 1 }, 'keyframes'],
    [{ kind: 'video', durationS: 1, fps: 30, keyframes: 1, width: 1, height: 0 }, 'frame size'],
    [{ kind: 'text', text: 3 as unknown as string }, 'text must be a string'],
    [{ kind: 'gif' } as unknown as PartMeta, 'unknown part kind "gif"'],
  ])('refuses %j naming the part', (part, message) => {
    const e = thrown(() => validatePart(part, 'messages[1].content[0]'));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e).toMatchObject({ field: 'messages[1].content[0]', code: 'invalid_part' });
    expect((e as Error).message).toContain(message);
    expect((e as Error).message.startsWith('messages[1].content[0]: ')).toBe(true);
  });

  it('validates every turn, naming the turn and part', () => {
    expect(() => validateTurns([{ role: 'user', parts: [{ kind: 'text', text: 'hi' }] }])).not.toThrow();
    const e = thrown(() =>
      validateTurns([
        { role: 'system', parts: [{ kind: 'text', text: 's' }] },
        { role: 'user', parts: [{ kind: 'text', text: 'u' }, { kind: 'image', width: 5, height: -5 }] },
      ]),
    );
    expect(e).toMatchObject({ field: 'messages[1].content[1]' });
    expect(thrown(() => validateTurns([{ role: 'bot' as 'user', parts: [] }]))).toMatchObject({ field: 'messages[0].role' });
  });
});
