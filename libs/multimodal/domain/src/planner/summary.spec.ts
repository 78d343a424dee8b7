import { PROFILES } from '../profiles/registry';
import { planContext } from './plan';
import { summarizePlan } from './summary';

describe('summarizePlan', () => {
  it('shows the plan in the stream’s snake_case shape', () => {
    const plan = planContext(
      {
        turns: [{ role: 'user', parts: [{ kind: 'text', text: 'abcd' }, { kind: 'image', width: 1000, height: 1000 }, { kind: 'video', durationS: 10, fps: 30, keyframes: 2, width: 640, height: 480 }] }],
        reservedOutputTokens: 10,
      },
      PROFILES['llava-1.5'],
      { contextTokens: 5000 },
    );
    if (!plan.ok) throw new Error(plan.error.message);
    expect(summarizePlan(plan)).toEqual({
      profile: 'llava-1.5',
      estimated_tokens: 3 + 3 + 1 + 576 + 5 * 576,
      limit_tokens: 5000,
      reserved_output_tokens: 10,
      by_modality: { text: 7, image: 576, audio: 0, video: 2880 },
      steps: ['video: sample at 0.5 fps (messages[0].content[2])'],
      dropped_turns: [],
      images: [{ path: 'messages[0].content[1]', max_side: null, detail: 'auto', tokens: 576 }],
      videos: [{ path: 'messages[0].content[2]', mode: 'fps', fps: 0.5, frames: 5, tokens: 2880 }],
    });
  });
});
