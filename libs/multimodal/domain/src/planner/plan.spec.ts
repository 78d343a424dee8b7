import { InvalidInputError } from '@frontier/platform-util';
import type { Turn, VideoPart } from '../parts';
import { PROFILES } from '../profiles/registry';
import { tiktokenCounter } from '../text/tiktoken';
import { planContext } from './plan';
import type { Plan, Rejection } from './types';

const llava = PROFILES['llava-1.5'];
const text = (t: string) => ({ kind: 'text' as const, text: t });
const hd = (w = 1920, h = 1080) => ({ kind: 'image' as const, width: w, height: h });
const clip = (durationS: number, keyframes = Math.ceil(durationS / 2)): VideoPart => ({ kind: 'video', durationS, fps: 30, keyframes, width: 1920, height: 1080 });

function asPlan(r: Plan | Rejection): Plan {
  if (!r.ok) throw new Error(`rejected: ${r.error.message}`);
  return r;
}
function asRejection(r: Plan | Rejection): Rejection {
  if (r.ok) throw new Error(`planned: ${JSON.stringify(r.steps)}`);
  return r;
}

describe('planContext', () => {
  it('leaves a request that fits unchanged and counts it exactly', () => {
    const turns: Turn[] = [
      { role: 'system', parts: [text('abcd')] },
      { role: 'user', parts: [text('abcdefgh'), hd()] },
    ];
    const plan = asPlan(planContext({ turns, reservedOutputTokens: 100 }, llava, { contextTokens: 4096 }));
    // 3 (reply primer) + 3 + 1 (system) + 3 + 2 + 576 (user)
    expect(plan.estimated).toBe(588);
    expect(plan.byModality).toEqual({ text: 12, image: 576, audio: 0, video: 0 });
    expect(plan.steps).toEqual([]);
    expect(plan.keptTurns).toEqual([0, 1]);
    expect(plan.droppedTurns).toEqual([]);
    expect(plan.images).toEqual([{ path: 'messages[1].content[1]', turn: 1, maxSide: null, width: 1920, height: 1080, detail: 'auto', tokens: 576 }]);
    expect(plan).toMatchObject({ profile: 'llava-1.5', textCounter: 'estimate-utf8-bytes/4', limit: 4096, reservedOutputTokens: 100 });
  });

  it('counts text with the given counter', () => {
    const turns: Turn[] = [{ role: 'user', parts: [text('hello world')] }];
    const plan = asPlan(planContext({ turns, reservedOutputTokens: 0 }, PROFILES['openai-tiles'], { contextTokens: 100 }, tiktokenCounter('o200k_base')));
    expect(plan.estimated).toBe(3 + 3 + 2);
    expect(plan.textCounter).toBe('tiktoken:o200k_base');
  });

  it('lowers the video frame rate first: 30 s at 1 fps (17,280 tokens, the design) → 0.5 fps', () => {
    const turns: Turn[] = [{ role: 'user', parts: [text('what happens?'), clip(30, 10)] }];
    const plan = asPlan(planContext({ turns, reservedOutputTokens: 1000 }, llava, { contextTokens: 16_384 }));
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ kind: 'video_fps', fps: 0.5, parts: ['messages[0].content[1]'], description: 'video: sample at 0.5 fps (messages[0].content[1])' });
    expect(plan.videos).toEqual([{ path: 'messages[0].content[1]', turn: 0, mode: 'fps', fps: 0.5, frames: 15, tokens: 8640 }]);
    expect(plan.estimated).toBe(plan.steps[0]?.estimatedAfter);
  });

  it('goes to keyframes only after the lowest rate', () => {
    const turns: Turn[] = [{ role: 'user', parts: [text('q'), clip(60, 5)] }];
    // 0.25 fps = 15 frames = 8640 tokens; keyframes = 5 frames = 2880
    const plan = asPlan(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 4000 }));
    expect(plan.steps.map((s) => s.kind)).toEqual(['video_fps', 'video_fps', 'video_keyframes']);
    expect(plan.steps.map((s) => (s.kind === 'video_fps' ? s.fps : null))).toEqual([0.5, 0.25, null]);
    expect(plan.videos[0]).toMatchObject({ mode: 'keyframes', fps: null, frames: 5, tokens: 2880 });
  });

  it('skips keyframes-only when it would cost more than the lowest rate', () => {
    const turns: Turn[] = [{ role: 'user', parts: [clip(60, 60)] }];
    const r = asRejection(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 1000 }));
    expect(r.steps.map((s) => s.kind)).toEqual(['video_fps', 'video_fps']);
  });

  it('then steps images down the ladder together, largest first, skipping rungs that save nothing', () => {
    const turns: Turn[] = [{ role: 'user', parts: [hd(300, 200), hd(4000, 3000), hd(100, 100), hd(1024, 1024)] }];
    // as sent: 576 + 576 + 144 + 576 = 1872 (+ 6 overhead)
    const plan = asPlan(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 1500 }));
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({ kind: 'image_max_side', maxSide: 280, parts: ['messages[0].content[0]', 'messages[0].content[1]', 'messages[0].content[3]'] });
    expect(plan.images.map((i) => [i.maxSide, i.width, i.height, i.tokens])).toEqual([
      [280, 280, 187, 400],
      [280, 280, 210, 400],
      [null, 100, 100, 144],
      [280, 280, 280, 400],
    ]);
    const smaller = asPlan(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 200 }));
    expect(smaller.steps.map((s) => (s.kind === 'image_max_side' ? s.maxSide : s.kind))).toEqual([280, 168, 84]);
    expect(smaller.images.every((i) => i.tokens === 36)).toBe(true);
    expect(smaller.estimated).toBe(6 + 4 * 36);
  });

  it('switches OpenAI images to detail low (the one image step of openai-tiles)', () => {
    const turns: Turn[] = [{ role: 'user', parts: [{ ...hd(1024, 1024), detail: 'high' }, { ...hd(2048, 4096), detail: 'auto' }, { ...hd(64, 64), detail: 'low' }] }];
    const plan = asPlan(planContext({ turns, reservedOutputTokens: 0 }, PROFILES['openai-tiles'], { contextTokens: 1000 }));
    expect(plan.steps).toEqual([expect.objectContaining({ kind: 'image_detail_low', parts: ['messages[0].content[1]', 'messages[0].content[0]'] })]);
    expect(plan.images.map((i) => [i.detail, i.tokens])).toEqual([
      ['low', 85],
      ['low', 85],
      ['low', 85],
    ]);
  });

  const chat: Turn[] = [
    { role: 'system', parts: [text('s'.repeat(40))] },
    { role: 'user', parts: [text('u'.repeat(400))] },
    { role: 'assistant', parts: [text('a'.repeat(400))] },
    { role: 'user', parts: [text('u'.repeat(400)), hd()] },
    { role: 'assistant', parts: [text('call')] },
    { role: 'tool', parts: [text('t'.repeat(400))] },
    { role: 'assistant', parts: [text('a'.repeat(400))] },
    { role: 'user', parts: [text('the question')] },
  ];

  it('drops the oldest exchanges last, never the system turn or the last user turn, a tool result with its call', () => {
    const full = asPlan(planContext({ turns: chat, reservedOutputTokens: 0 }, llava, { contextTokens: 4096 }));
    expect(full.steps).toEqual([]);
    expect(full.estimated).toBe(1117);
    // images at 84 px: 577 tokens; without turns 1–2: 371
    const one = asPlan(planContext({ turns: chat, reservedOutputTokens: 0 }, llava, { contextTokens: 500 }));
    expect(one.estimated).toBe(371);
    expect(one.steps.map((s) => s.kind)).toEqual(['image_max_side', 'image_max_side', 'image_max_side', 'drop_turns']);
    expect(one.steps[3]).toMatchObject({ kind: 'drop_turns', turns: [1, 2], description: 'history: dropped turns 1, 2' });
    expect(one.keptTurns).toEqual([0, 3, 4, 5, 6, 7]);
    expect(one.droppedTurns).toEqual([1, 2]);
    const two = asPlan(planContext({ turns: chat, reservedOutputTokens: 0 }, llava, { contextTokens: 60 }));
    expect(two.keptTurns).toEqual([0, 7]);
    expect(two.images).toEqual([]);
    expect(two.byModality.image).toBe(0);
    expect(two.steps.at(-1)).toMatchObject({ turns: [3, 4, 5, 6] });
  });

  it('rejects in OpenAI’s shape with what it tried, in order, and a hint from the numbers', () => {
    const r = asRejection(planContext({ turns: chat, reservedOutputTokens: 0 }, llava, { contextTokens: 20 }));
    expect(r.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
    expect(r.error.details.tried).toEqual([
      'images: long edge 280 px (messages[3].content[1])',
      'images: long edge 168 px (messages[3].content[1])',
      'images: long edge 84 px (messages[3].content[1])',
      'history: dropped turns 1, 2',
      'history: dropped turns 3, 4, 5, 6',
    ]);
    expect(r.error.details).toMatchObject({ limit: 20, reservedOutputTokens: 0 });
    expect(r.steps.map((st) => st.estimatedAfter)).toEqual([941, 685, 577, 371, 22]);
    expect(r.error.details.estimated).toBe(3 + 3 + 10 + 3 + 3);
    expect(r.error.message).toBe(
      "This request needs 22 input tokens after 5 degradation steps plus 0 reserved for the output, over the model's context limit of 20 tokens. " +
        'The text that must be kept (system messages and the last user turn) needs 22 tokens; shorten it or lower max_tokens.',
    );
  });

  it('tells the design’s 10-minute-video story: 345,600 tokens at 1 fps; fits 128k at 0.25 fps; 32k → "shorter than 3 minutes"', () => {
    const turns: Turn[] = [{ role: 'user', parts: [text('summarise this video'), clip(600, 300)] }];
    expect(llava.videoTokens(clip(600), { mode: 'fps', fps: 1 })).toBe(345_600);
    const big = asPlan(planContext({ turns, reservedOutputTokens: 4096 }, llava, { contextTokens: 128_000 }));
    expect(big.videos[0]).toMatchObject({ mode: 'fps', fps: 0.25, frames: 150, tokens: 86_400 });
    const r = asRejection(planContext({ turns, reservedOutputTokens: 1024 }, llava, { contextTokens: 32_768 }));
    expect(r.error.details.tried).toEqual(['video: sample at 0.5 fps (messages[0].content[1])', 'video: sample at 0.25 fps (messages[0].content[1])']);
    expect(r.error.message).toMatch(/Video exceeds the context limit; try a clip shorter than 3 minutes\.$/);
    expect(r.error.details.estimated).toBe(86_400 + 3 + 3 + 5);
  });

  it('hints at max_tokens when the reserve alone fills the context', () => {
    const r = asRejection(planContext({ turns: [{ role: 'user', parts: [text('hi')] }], reservedOutputTokens: 4096 }, llava, { contextTokens: 4096 }));
    expect(r.error.message).toMatch(/The 4,096 tokens reserved for the output \(max_tokens\) leave no room for input in a 4,096-token context; lower max_tokens\.$/);
  });

  it('rejects too many images naming the first one over the limit', () => {
    const turns: Turn[] = [
      { role: 'user', parts: [hd(), hd()] },
      { role: 'assistant', parts: [text('ok')] },
      { role: 'user', parts: [text('and'), hd()] },
    ];
    const r = asRejection(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 100_000, maxImages: 2 }));
    expect(r.error).toMatchObject({ code: 'too_many_images', param: 'messages[2].content[1]', details: { tried: [], limit: 100_000 } });
    expect(r.error.message).toBe('Too many images: the request has 3, at most 2 are allowed (messages[2].content[1] is the first over the limit).');
    expect(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 100_000, maxImages: 3 }).ok).toBe(true);
  });

  it('rejects a clip over maxVideoSeconds naming it', () => {
    const turns: Turn[] = [{ role: 'user', parts: [text('q'), clip(10), clip(95)] }];
    const r = asRejection(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 1e6, maxVideoSeconds: 60 }));
    expect(r.error).toMatchObject({ code: 'video_too_long', param: 'messages[0].content[2]' });
    expect(r.error.message).toBe('The video at messages[0].content[2] is 95 s long; clips of at most 60 s are accepted: try a clip shorter than 1 minute.');
  });

  it('throws on malformed limits or metadata, naming them', () => {
    const turns: Turn[] = [{ role: 'user', parts: [text('q')] }];
    expect(() => planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 0 })).toThrow(InvalidInputError);
    expect(() => planContext({ turns, reservedOutputTokens: -1 }, llava, { contextTokens: 10 })).toThrow('reservedOutputTokens');
    expect(() => planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 10, maxImages: 1.5 })).toThrow('limits.maxImages');
    expect(() => planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 10, maxVideoSeconds: Number.NaN })).toThrow('limits.maxVideoSeconds');
    expect(() => planContext({ turns: [{ role: 'user', parts: [hd(0, 5)] }], reservedOutputTokens: 0 }, llava, { contextTokens: 10 })).toThrow('messages[0].content[0]');
  });

  it('counts audio as its own modality (ASR transcript for llava, 32/s for gemini)', () => {
    const turns: Turn[] = [{ role: 'user', parts: [{ kind: 'audio', durationS: 60 }] }];
    const a = asPlan(planContext({ turns, reservedOutputTokens: 0 }, llava, { contextTokens: 4096 }));
    expect(a.byModality.audio).toBe(195);
    expect(a.audios).toEqual([{ path: 'messages[0].content[0]', turn: 0, durationS: 60, tokens: 195 }]);
    const g = asPlan(planContext({ turns, reservedOutputTokens: 0 }, PROFILES.gemini, { contextTokens: 4096 }));
    expect(g.byModality.audio).toBe(1920);
  });

  it('plans an empty conversation as the reply primer alone', () => {
    const plan = asPlan(planContext({ turns: [], reservedOutputTokens: 0 }, llava, { contextTokens: 10 }));
    expect(plan.estimated).toBe(3);
  });
});
