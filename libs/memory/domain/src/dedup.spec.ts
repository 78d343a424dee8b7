import type { Candidate } from './memory';
import { DEFAULT_DEDUP, decideCandidate, resolveConflict } from './dedup';
import { mem } from './fixtures.spec-helper';
import { DEFAULT_TYPE_POLICIES } from './taxonomy';

const NOW = new Date('2026-11-24T00:00:00Z');
const cand = (over: Partial<Candidate> = {}): Candidate => ({ text: 'I like green tea', type: 'preference', confidence: 0.8, turnIds: ['t1'], ...over });

describe('decideCandidate', () => {
  const tea = mem({ text: 'I like tea' });

  it('thresholds are exclusive above duplicate (0.9) and inclusive at related (0.7)', () => {
    expect(DEFAULT_DEDUP).toEqual({ duplicate: 0.9, related: 0.7 });
    expect(decideCandidate(cand(), [{ memory: tea, cosine: 0.9000001 }])).toEqual({ action: 'skip', duplicateOf: tea, cosine: 0.9000001 });
    expect(decideCandidate(cand(), [{ memory: tea, cosine: 0.9 }])).toEqual({ action: 'conflict', with: tea, cosine: 0.9 });
    expect(decideCandidate(cand(), [{ memory: tea, cosine: 0.7 }])).toEqual({ action: 'conflict', with: tea, cosine: 0.7 });
    expect(decideCandidate(cand(), [{ memory: tea, cosine: 0.6999999 }])).toEqual({ action: 'add' });
    // custom thresholds are honoured
    expect(decideCandidate(cand(), [{ memory: tea, cosine: 0.6 }], { duplicate: 0.95, related: 0.5 }).action).toBe('conflict');
    expect(decideCandidate(cand(), [{ memory: tea, cosine: 0.93 }], { duplicate: 0.95, related: 0.5 }).action).toBe('conflict');
  });

  it('neighbours may come in any order: the most similar one decides', () => {
    const far = mem({ text: 'I hike' });
    expect(decideCandidate(cand(), [{ memory: far, cosine: 0.2 }, { memory: tea, cosine: 0.95 }, { memory: far, cosine: 0.75 }])).toEqual({
      action: 'skip',
      duplicateOf: tea,
      cosine: 0.95,
    });
    expect(decideCandidate(cand(), [{ memory: far, cosine: 0.1 }, { memory: tea, cosine: 0.8 }])).toEqual({ action: 'conflict', with: tea, cosine: 0.8 });
  });

  it('a near-duplicate of another type is still skipped above 0.9, but only conflicts within its type below', () => {
    const work = mem({ text: 'I like my job', type: 'work' });
    expect(decideCandidate(cand(), [{ memory: work, cosine: 0.95 }])).toEqual({ action: 'skip', duplicateOf: work, cosine: 0.95 });
    expect(decideCandidate(cand(), [{ memory: work, cosine: 0.9 }])).toEqual({ action: 'add' });
    expect(decideCandidate(cand(), [{ memory: work, cosine: 0.8 }])).toEqual({ action: 'add' });
  });

  describe('with a slot', () => {
    const acme = mem({ text: 'I work at Acme', type: 'work', slot: 'work.employer' });
    const slotted = (value?: string) => cand({ text: `I work at ${value}`, type: 'work', slot: 'work.employer', value });

    it('the same-slot memory is found among the neighbours, not just the top one', () => {
      const other = mem({ text: 'I work long hours', type: 'work', slot: 'work.hours' });
      expect(decideCandidate(slotted('Globex'), [{ memory: other, cosine: 0.6 }, { memory: acme, cosine: 0.3 }])).toEqual({ action: 'conflict', with: acme, cosine: 0.3 });
    });

    it('the same value restated is a skip only above the related threshold (0.7, exclusive)', () => {
      expect(decideCandidate(slotted('Acme'), [{ memory: acme, cosine: 0.8 }])).toEqual({ action: 'skip', duplicateOf: acme, cosine: 0.8 });
      expect(decideCandidate(slotted('Acme'), [{ memory: acme, cosine: 0.7 }])).toEqual({ action: 'conflict', with: acme, cosine: 0.7 });
      expect(decideCandidate(slotted('Acme'), [{ memory: acme, cosine: 0.4 }])).toEqual({ action: 'conflict', with: acme, cosine: 0.4 });
    });

    it('a new value in the same slot is a conflict at any cosine, even above the duplicate threshold', () => {
      expect(decideCandidate(slotted('Globex'), [{ memory: acme, cosine: 0.8 }])).toEqual({ action: 'conflict', with: acme, cosine: 0.8 });
      expect(decideCandidate(slotted('Globex'), [{ memory: acme, cosine: 0.97 }])).toEqual({ action: 'conflict', with: acme, cosine: 0.97 });
    });

    it('without a value, a same-slot fact counts as the same value', () => {
      expect(decideCandidate(slotted(undefined), [{ memory: acme, cosine: 0.8 }])).toEqual({ action: 'skip', duplicateOf: acme, cosine: 0.8 });
    });

    it('values compare case- and punctuation-insensitively as a substring of the memory text, digits included', () => {
      const acmeInc = mem({ text: 'I work at Acme, Inc', type: 'work', slot: 'work.employer' });
      expect(decideCandidate(slotted('ACME inc.'), [{ memory: acmeInc, cosine: 0.8 }]).action).toBe('skip');
      expect(decideCandidate(slotted(' "Acme"! '), [{ memory: acme, cosine: 0.8 }]).action).toBe('skip');
      // words keep their gap: "Acme Co" does not contain "MeCo"
      const acmeCo = mem({ text: 'I work at Acme Co', type: 'work', slot: 'work.employer' });
      expect(decideCandidate(slotted('MeCo'), [{ memory: acmeCo, cosine: 0.8 }]).action).toBe('conflict');
      const zip = mem({ text: 'My zip code is 75002', type: 'location', slot: 'location.zip' });
      const zipCand = cand({ text: 'My zip code is 75001', type: 'location', slot: 'location.zip', value: '75001' });
      expect(decideCandidate(zipCand, [{ memory: zip, cosine: 0.8 }]).action).toBe('conflict');
    });

    it('a top duplicate that fills another slot is skipped before any same-slot neighbour is considered', () => {
      const sameFactOtherSlot = mem({ text: 'I am the head cook at my company', type: 'work', slot: 'work.title' });
      expect(decideCandidate(slotted('Globex'), [{ memory: acme, cosine: 0.5 }, { memory: sameFactOtherSlot, cosine: 0.95 }])).toEqual({
        action: 'skip',
        duplicateOf: sameFactOtherSlot,
        cosine: 0.95,
      });
      const unslotted = mem({ text: 'I work at Globex', type: 'work' });
      expect(decideCandidate(slotted('Globex'), [{ memory: acme, cosine: 0.5 }, { memory: unslotted, cosine: 0.95 }])).toEqual({
        action: 'skip',
        duplicateOf: unslotted,
        cosine: 0.95,
      });
    });

    it('a top duplicate of another type does not hide a same-slot conflict', () => {
      const bio = mem({ text: 'Globex is where I work', type: 'biography' });
      expect(decideCandidate(slotted('Globex'), [{ memory: bio, cosine: 0.95 }, { memory: acme, cosine: 0.5 }])).toEqual({ action: 'conflict', with: acme, cosine: 0.5 });
    });

    it('with no same-slot neighbour the slot changes nothing', () => {
      expect(decideCandidate(slotted('Globex'), [{ memory: tea, cosine: 0.5 }])).toEqual({ action: 'add' });
      expect(decideCandidate(slotted('Globex'), [])).toEqual({ action: 'add' });
    });
  });
});

describe('resolveConflict', () => {
  const incoming = (over: Partial<Candidate> & { validAt?: Date } = {}) => ({ ...cand({ type: 'work', slot: 'work.employer', confidence: 0.9 }), validAt: NOW, ...over });
  const acme = mem({ id: 'acme', text: 'I work at Acme', type: 'work', slot: 'work.employer', validAt: new Date('2025-01-01'), confidence: 0.8 });

  it('different types coexist unless they fill the same slot', () => {
    expect(resolveConflict(acme, incoming({ type: 'biography', slot: undefined }), NOW)).toEqual({ action: 'coexist', reason: 'different types (work vs biography)' });
    expect(resolveConflict(acme, incoming({ type: 'biography', slot: 'work.title' }), NOW)).toEqual({ action: 'coexist', reason: 'different types (work vs biography)' });
    const unslotted = mem({ text: 'I work a lot', type: 'work' });
    expect(resolveConflict(unslotted, incoming({ type: 'biography', slot: undefined }), NOW)).toEqual({ action: 'coexist', reason: 'different types (work vs biography)' });
    expect(resolveConflict(acme, incoming({ type: 'biography' }), NOW)).toEqual({
      action: 'supersede',
      invalidate: { id: 'acme', invalidAt: NOW, expiredAt: NOW },
    });
  });

  it('same type without a shared slot: related facts coexist', () => {
    const reason = 'related, but not shown to be the same attribute';
    expect(resolveConflict(acme, incoming({ slot: undefined }), NOW)).toEqual({ action: 'coexist', reason });
    expect(resolveConflict(acme, incoming({ slot: 'work.title' }), NOW)).toEqual({ action: 'coexist', reason });
    const unslotted = mem({ text: 'I work a lot', type: 'work' });
    expect(resolveConflict(unslotted, incoming(), NOW)).toEqual({ action: 'coexist', reason });
  });

  it('event time: an older incoming fact keeps the existing one; the same instant supersedes', () => {
    expect(resolveConflict(acme, incoming({ validAt: new Date('2024-12-31T23:59:59Z') }), NOW)).toEqual({
      action: 'keep-existing',
      reason: 'the existing fact is more recent in event time',
    });
    expect(resolveConflict(acme, incoming({ validAt: acme.validAt }), NOW)).toEqual({
      action: 'supersede',
      invalidate: { id: 'acme', invalidAt: acme.validAt, expiredAt: NOW },
    });
  });

  it('stable types need the type minimum only (0.75 for work), inclusive', () => {
    const confident = mem({ ...acme, confidence: 0.99 });
    expect(resolveConflict(confident, incoming({ confidence: 0.75 }), NOW).action).toBe('supersede');
    expect(resolveConflict(confident, incoming({ confidence: 0.74 }), NOW)).toEqual({
      action: 'keep-existing',
      reason: 'work is stable: superseding needs confidence ≥ 0.75, got 0.74',
    });
  });

  it('durable types need max(type minimum, existing confidence)', () => {
    const slot = 'health.allergy.peanuts';
    const health = (confidence: number) => mem({ id: 'h', text: "I'm allergic to peanuts", type: 'health', slot, confidence, validAt: new Date('2025-01-01') });
    const claim = (confidence: number) => ({ text: 'not allergic', type: 'health' as const, slot, confidence, turnIds: [], validAt: NOW });
    expect(DEFAULT_TYPE_POLICIES.health.supersedeMinConfidence).toBe(0.95);
    expect(resolveConflict(health(0.98), claim(0.96), NOW)).toEqual({
      action: 'keep-existing',
      reason: 'health is durable: superseding needs confidence ≥ 0.98, got 0.96',
    });
    expect(resolveConflict(health(0.98), claim(0.98), NOW).action).toBe('supersede');
    // a weak existing fact: the type minimum still applies
    expect(resolveConflict(health(0.5), claim(0.9), NOW)).toEqual({
      action: 'keep-existing',
      reason: 'health is durable: superseding needs confidence ≥ 0.95, got 0.90',
    });
    expect(resolveConflict(health(0.5), claim(0.95), NOW).action).toBe('supersede');
  });

  it('uses the existing type’s policy from the given table', () => {
    const lenient = { ...DEFAULT_TYPE_POLICIES, work: { ...DEFAULT_TYPE_POLICIES.work, supersedeMinConfidence: 0.1 } };
    expect(resolveConflict(acme, incoming({ confidence: 0.2 }), NOW, lenient).action).toBe('supersede');
    expect(resolveConflict(acme, incoming({ confidence: 0.2 }), NOW).action).toBe('keep-existing');
  });
});
