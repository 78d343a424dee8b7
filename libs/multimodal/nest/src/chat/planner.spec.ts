import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyTokenizerConfig, tinyTokenizerJson } from '@frontier/ml-embeddings/testing';
import { estimateImageTokens, getProfile, meter } from '@frontier/multimodal-domain';
import { createPlannerPort, PlanRejectedError, sendSide } from './planner';
import type { GatewayModel, ResolvedMedia } from './ports';
import { loadTokenizerCounter } from './tokenizer-counter';

const model = (over: Partial<GatewayModel> = {}): GatewayModel => ({ id: 'm', upstreamModel: 'm', profile: 'llava-1.5', contextTokens: 4096, maxOutputTokens: 1024, vision: true, ...over });
const image = (path: string, width: number, height: number): ResolvedMedia => ({ path, kind: 'image', mime: 'image/png', bytes: new Uint8Array(), sha256: 'x', width, height, detail: 'auto' });

describe('planner port over multimodal-domain', () => {
  const port = createPlannerPort((m, u) => meter(u, undefined, m.id));

  it('maps the domain’s part addresses back to the request’s (a memory turn in front shifts them)', () => {
    const plan = port.plan(
      [
        { role: 'system', parts: [{ type: 'text', text: '[User profile]\n- likes tea' }] },
        { role: 'user', parts: [{ type: 'text', text: 'look' }, { type: 'media', media: image('messages[0].content[1]', 1280, 960) }] },
      ],
      model(),
      256,
    );
    expect(plan.images).toEqual([{ path: 'messages[0].content[1]', maxSide: 336, detail: 'auto', tokens: 576 }]);
    expect(plan.summary.images[0]?.path).toBe('messages[0].content[1]');
    expect(plan.byModality.image).toBe(576);
  });

  it('sends fixed-resolution encoders their own size, others at most 2048 px', () => {
    expect(sendSide(getProfile('llava-1.5'))).toBe(336);
    expect(sendSide(getProfile('openai-tiles'))).toBe(2048);
    expect(sendSide(getProfile('qwen2-vl'))).toBe(2048);
  });

  it('a plan that cannot fit is OpenAI’s 400 context_length_exceeded, naming the request’s path', () => {
    const e = (() => {
      try {
        port.plan([{ role: 'user', parts: [{ type: 'text', text: 'word '.repeat(5000) }] }], model({ contextTokens: 1024 }), 512);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(PlanRejectedError);
    const answer = (e as PlanRejectedError).openAiAnswer();
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', details: { limit: 1024 } });
  });

  it('degrades images on the ladder before refusing', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ type: 'media' as const, media: image(`messages[0].content[${i}]`, 800, 600) }));
    const plan = port.plan([{ role: 'user', parts: many }], model({ contextTokens: 4096 }), 512);
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(plan.images.every((i) => (i.maxSide ?? 999) <= 280)).toBe(true);
    expect(plan.estimated + 512).toBeLessThanOrEqual(4096);
    expect(plan.byModality.image).toBe(8 * estimateImageTokens('llava-1.5', { width: plan.images[0]?.maxSide ?? 0, height: plan.images[0]?.maxSide ?? 0 }));
  });
});

describe('a model’s own tokenizer.json counts its text (transformers.js, local files only)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tok-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tinyTokenizerConfig()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts word pieces without the [CLS]/[SEP] wrapping, and the planner uses it for that model', async () => {
    const counter = await loadTokenizerCounter(dir);
    expect(counter.count('hello world')).toBe(2);
    expect(counter.count('the cats sat')).toBe(4); // the, cat, ##s, sat
    expect(counter.count('')).toBe(0);
    const withOwn = createPlannerPort((m, u) => meter(u, undefined, m.id), new Map([['m', counter]]));
    expect(withOwn.countText(model(), 'the quick brown fox')).toBe(4);
    expect(port0().countText(model(), 'the quick brown fox')).not.toBe(4);
  });

  const port0 = () => createPlannerPort((m, u) => meter(u, undefined, m.id));
});
