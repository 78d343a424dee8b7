import { ConflictError, cosine, FrontierError, InvalidInputError, isFrontierError, NotFoundError, Rng } from './index';

describe('errors', () => {
  it('carry category, code and field, and keep their class name', () => {
    const e = new InvalidInputError('turns.2.content', 'turns.2.content must not be empty');
    expect(e).toBeInstanceOf(FrontierError);
    expect(e).toBeInstanceOf(Error);
    expect([e.category, e.code, e.field, e.name, e.message]).toEqual(['invalid', 'invalid_input', 'turns.2.content', 'InvalidInputError', 'turns.2.content must not be empty']);
    expect(new NotFoundError('id', 'x').category).toBe('not-found');
    expect(new ConflictError('id', 'x', 'memory.session_changed').code).toBe('memory.session_changed');
    expect(isFrontierError(new Error('plain'))).toBe(false);
    const down = new FrontierError('unavailable', 'db_down', 'database unavailable', { retryAfterS: 2, cause: new Error('ECONNREFUSED') });
    expect([down.retryAfterS, (down.cause as Error).message, down.field]).toEqual([2, 'ECONNREFUSED', undefined]);
  });

  it('subclasses outside this package keep their own name', () => {
    class ModelGone extends FrontierError {
      constructor() {
        super('unavailable', 'model_gone', 'gone');
      }
    }
    expect(new ModelGone().name).toBe('ModelGone');
  });
});

describe('cosine', () => {
  it('is 1 for parallel, -1 for opposite, 0 for orthogonal or zero vectors', () => {
    expect(cosine([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosine([1, 0], [-3, 0])).toBeCloseTo(-1, 12);
    expect(cosine([1, 0], [0, 5])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
    expect(cosine(new Float32Array([3, 4]), new Float32Array([4, 3]))).toBeCloseTo(24 / 25, 6);
  });

  it('refuses vectors of different lengths', () => {
    expect(() => cosine([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('Rng', () => {
  it('is reproducible per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws uniform integers, normals and shuffles plausibly', () => {
    const r = new Rng(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.nextInt(4)]++;
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(400);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < 20_000; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / 20_000)).toBeLessThan(0.03);
    expect(Math.abs(s2 / 20_000 - 1)).toBeLessThan(0.05);
    const xs = [1, 2, 3, 4, 5, 6];
    r.shuffle(xs);
    expect([...xs].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
