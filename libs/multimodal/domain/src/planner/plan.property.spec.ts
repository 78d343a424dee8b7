import fc from 'fast-check';
import type { ImagePart, PartMeta, Turn, VideoPart } from '../parts';
import type { ModelProfile, VideoSampling } from '../profiles/profile';
import { scaleToMaxSide } from '../profiles/profile';
import { PROFILE_IDS, PROFILES } from '../profiles/registry';
import { CHAT_REPLY_PRIMER_TOKENS, CHAT_TOKENS_PER_MESSAGE, estimateTextCounter } from '../text/counter';
import { historyGroups } from './budget';
import { planContext } from './plan';
import { LADDER_PHASE, type LadderStep, type Plan, type PlanLimits, type PlanRequest } from './types';

// --- generators ------------------------------------------------------------------------------
const textPart = fc.string({ maxLength: 300 }).map((text): PartMeta => ({ kind: 'text', text }));
const imagePart = fc
  .record({ width: fc.integer({ min: 1, max: 5000 }), height: fc.integer({ min: 1, max: 5000 }), detail: fc.constantFrom<ImagePart['detail']>(undefined, 'low', 'high', 'auto') })
  .map((p): PartMeta => (p.detail === undefined ? { kind: 'image', width: p.width, height: p.height } : { kind: 'image', ...p }));
const audioPart = fc.record({ durationS: fc.double({ min: 0, max: 600, noNaN: true }) }).map((p): PartMeta => ({ kind: 'audio', ...p }));
const videoPart = fc
  .record({
    durationS: fc.double({ min: 0, max: 900, noNaN: true }),
    fps: fc.constantFrom(12, 24, 25, 30, 60),
    keyframes: fc.integer({ min: 0, max: 400 }),
    width: fc.integer({ min: 16, max: 3840 }),
    height: fc.integer({ min: 16, max: 2160 }),
  })
  .map((p): PartMeta => ({ kind: 'video', ...p }));
const anyPart = fc.oneof({ arbitrary: textPart, weight: 6 }, { arbitrary: imagePart, weight: 2 }, { arbitrary: audioPart, weight: 1 }, { arbitrary: videoPart, weight: 2 });
const turn = (role: Turn['role']) => fc.array(anyPart, { maxLength: 4 }).map((parts): Turn => ({ role, parts }));

/** Chats as the gateway sees them: optional system turn, exchanges (sometimes with tool turns), a last user turn, sometimes an assistant prefill. */
const chat: fc.Arbitrary<Turn[]> = fc
  .record({
    system: fc.option(turn('system'), { nil: undefined }),
    exchanges: fc.array(fc.tuple(turn('user'), fc.array(fc.oneof(turn('assistant'), turn('tool')), { minLength: 1, maxLength: 3 })), { maxLength: 6 }),
    last: turn('user'),
    prefill: fc.option(turn('assistant'), { nil: undefined, freq: 8 }),
  })
  .map(({ system, exchanges, last, prefill }) => [...(system ? [system] : []), ...exchanges.flatMap(([u, rest]) => [u, ...rest]), last, ...(prefill ? [prefill] : [])]);

const scenario = fc.record({
  profile: fc.constantFrom(...PROFILE_IDS).map((id) => PROFILES[id]),
  turns: chat,
  reserved: fc.integer({ min: 0, max: 4096 }),
  /** The limit as a fraction of what the request needs undegraded (so every outcome is reached). */
  fraction: fc.integer({ min: 0, max: 1300 }).map((x) => x / 1000),
}).map((s) => {
  const asSent = planContext({ turns: s.turns, reservedOutputTokens: s.reserved }, s.profile, { contextTokens: 1e12 });
  const need = (asSent.ok ? asSent.estimated : 0) + s.reserved;
  return { ...s, asSent: need - s.reserved, limit: Math.max(1, Math.floor(need * s.fraction)) };
});

// --- an independent recount from the plan's choices ------------------------------------------
function recount(plan: Plan, turns: readonly Turn[], profile: ModelProfile): number {
  const images = new Map(plan.images.map((i) => [i.path, i]));
  const videos = new Map(plan.videos.map((v) => [v.path, v]));
  let total = CHAT_REPLY_PRIMER_TOKENS;
  for (const t of plan.keptTurns) {
    total += CHAT_TOKENS_PER_MESSAGE;
    (turns[t] as Turn).parts.forEach((part, p) => {
      const path = `messages[${t}].content[${p}]`;
      if (part.kind === 'text' || part.kind === 'file') total += estimateTextCounter.count(part.text);
      else if (part.kind === 'audio') total += profile.audioTokens(part);
      else if (part.kind === 'image') {
        const img = images.get(path);
        if (!img) throw new Error(`image ${path} missing from the plan`);
        const size = img.maxSide === null ? part : scaleToMaxSide(part.width, part.height, img.maxSide);
        expect([img.width, img.height]).toEqual([size.width, size.height]);
        total += profile.imageTokens(size.width, size.height, img.detail);
      } else {
        const v = videos.get(path);
        if (!v) throw new Error(`video ${path} missing from the plan`);
        const sampling: VideoSampling = v.mode === 'fps' ? { mode: 'fps', fps: v.fps as number } : { mode: 'keyframes' };
        expect(v.frames).toBe(profile.videoFrames(part, sampling));
        total += profile.videoTokens(part, sampling);
      }
    });
  }
  return total;
}

/** The cheapest an image can get on the profile's image ladder. */
function cheapestImage(profile: ModelProfile, part: ImagePart): number {
  const detail = part.detail ?? 'auto';
  let best = profile.imageTokens(part.width, part.height, detail);
  if (profile.lowDetailStep) best = Math.min(best, profile.imageTokens(part.width, part.height, 'low'));
  for (const side of profile.imageLadder) {
    const s = scaleToMaxSide(part.width, part.height, side);
    best = Math.min(best, profile.imageTokens(s.width, s.height, detail));
  }
  return best;
}

function cheapestVideo(profile: ModelProfile, part: VideoPart): number {
  const options: VideoSampling[] = [...profile.videoFpsLadder.map((fps): VideoSampling => ({ mode: 'fps', fps })), { mode: 'keyframes' }];
  return Math.min(...options.map((s) => profile.videoTokens(part, s)));
}

function partAt(turns: readonly Turn[], path: string): PartMeta {
  const m = /^messages\[(\d+)\]\.content\[(\d+)\]$/.exec(path);
  if (!m) throw new Error(`bad path ${path}`);
  return (turns[Number(m[1])] as Turn).parts[Number(m[2])] as PartMeta;
}

function checkLadderOrder(steps: readonly LadderStep[]): void {
  for (let i = 1; i < steps.length; i++) {
    expect(LADDER_PHASE[(steps[i] as LadderStep).kind]).toBeGreaterThanOrEqual(LADDER_PHASE[(steps[i - 1] as LadderStep).kind]);
    expect((steps[i] as LadderStep).estimatedAfter).toBeLessThan((steps[i - 1] as LadderStep).estimatedAfter);
  }
}

const run = (s: { profile: ModelProfile; turns: Turn[]; reserved: number; limit: number }, limit = s.limit) => {
  const request: PlanRequest = { turns: s.turns, reservedOutputTokens: s.reserved };
  const limits: PlanLimits = { contextTokens: limit };
  return planContext(request, s.profile, limits, estimateTextCounter);
};

describe('planContext properties', () => {
  it('a plan never exceeds the limit, recounted independently from its choices', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = run(s);
        if (!r.ok) return;
        expect(r.estimated + r.reservedOutputTokens).toBeLessThanOrEqual(s.limit);
        expect(recount(r, s.turns, s.profile)).toBe(r.estimated);
        expect(r.byModality.text + r.byModality.image + r.byModality.audio + r.byModality.video).toBe(r.estimated);
        expect([...r.keptTurns, ...r.droppedTurns].sort((a, b) => a - b)).toEqual(s.turns.map((_, i) => i));
      }),
      { numRuns: 300 },
    );
  });

  it('the generated scenarios reach every outcome (so the properties are not vacuous)', () => {
    const seen = { fit: 0, video: 0, image: 0, drop: 0, rejected: 0 };
    for (const s of fc.sample(scenario, { numRuns: 300, seed: 20_251_201 })) {
      const r = run(s);
      const phases = new Set(r.steps.map((st) => LADDER_PHASE[st.kind]));
      if (!r.ok) seen.rejected++;
      else if (phases.has(2)) seen.drop++;
      else if (phases.has(1)) seen.image++;
      else if (phases.has(0)) seen.video++;
      else seen.fit++;
    }
    for (const n of Object.values(seen)) expect(n).toBeGreaterThanOrEqual(5);
  });

  it('the ladder order holds: no image step before video is fully degraded, no history drop before images are', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = run(s);
        checkLadderOrder(r.steps);
        const phases = r.steps.map((st) => LADDER_PHASE[st.kind]);
        const kept = r.ok ? new Set(r.keptTurns) : null;
        if (phases.includes(1) || phases.includes(2)) {
          // every video of a turn still kept is at its cheapest
          for (const st of r.steps) if (st.kind === 'video_fps' || st.kind === 'video_keyframes') expect(st.parts.length).toBeGreaterThan(0);
          if (r.ok) for (const v of r.videos) expect(v.tokens).toBe(cheapestVideo(s.profile, partAt(s.turns, v.path) as VideoPart));
        }
        if (phases.includes(2) && r.ok) {
          for (const i of r.images) expect(i.tokens).toBe(cheapestImage(s.profile, partAt(s.turns, i.path) as ImagePart));
        }
        // the system turns and everything from the last user turn on are always kept
        if (kept) {
          const lastUser = s.turns.map((t) => t.role).lastIndexOf('user');
          s.turns.forEach((t, i) => {
            if (t.role === 'system' || i >= lastUser) expect(kept.has(i)).toBe(true);
          });
          // drops come in whole exchanges, oldest first
          const groups = historyGroups(s.turns);
          const drops = r.steps.filter((st) => st.kind === 'drop_turns').map((st) => (st.kind === 'drop_turns' ? st.turns : []));
          expect(drops).toEqual(groups.slice(0, drops.length));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a request that fits is unchanged: no steps, every turn and part as sent', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const generous = run(s, 100_000_000);
        if (!generous.ok) throw new Error(generous.error.message);
        expect(generous.steps).toEqual([]);
        expect(generous.droppedTurns).toEqual([]);
        expect(generous.images.every((i) => i.maxSide === null && i.detail === ((partAt(s.turns, i.path) as ImagePart).detail ?? 'auto'))).toBe(true);
        const fps = s.profile.videoFpsLadder[0];
        expect(generous.videos.every((v) => v.mode === 'fps' && v.fps === fps)).toBe(true);
        // at exactly its own size it still fits, unchanged
        const exact = run(s, generous.estimated + s.reserved);
        expect(exact.ok && exact.steps.length === 0 && exact.estimated === generous.estimated).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a rejection lists the steps it tried, in ladder order, after degrading everything it could', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = run(s);
        if (r.ok) return;
        expect(r.error.code).toBe('context_length_exceeded');
        expect(r.error.type).toBe('invalid_request_error');
        expect(r.error.details.tried).toEqual(r.steps.map((st) => st.description));
        checkLadderOrder(r.steps);
        expect(r.error.details.estimated + s.reserved).toBeGreaterThan(s.limit);
        expect(r.error.details.estimated).toBe(r.steps.at(-1)?.estimatedAfter ?? r.error.details.estimated);
        const dropped = r.steps.flatMap((st) => (st.kind === 'drop_turns' ? st.turns : []));
        expect(dropped).toEqual(historyGroups(s.turns).flat());
        expect(r.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('degrades no further than needed: the state before the last step did not fit', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = run(s);
        if (!r.ok || r.steps.length === 0) return;
        const before = r.steps.length > 1 ? (r.steps.at(-2) as LadderStep).estimatedAfter : s.asSent;
        expect(before + s.reserved).toBeGreaterThan(s.limit);
      }),
      { numRuns: 300 },
    );
  });

  it('monotonicity: raising the limit never turns a plan into a rejection', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 200_000 }), (s, raise) => {
        const low = run(s);
        const high = run(s, s.limit + raise);
        if (low.ok) expect(high.ok).toBe(true);
        if (low.ok && high.ok) expect(high.estimated).toBeGreaterThanOrEqual(low.estimated);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(run(s)).toEqual(run(s));
      }),
      { numRuns: 50 },
    );
  });
});
