import { Admission, BusyError } from './admission';

const far = () => Date.now() + 60_000;

describe('Admission: bounded concurrency, bounded deadline-aware queue', () => {
  it('grants up to `concurrency` at once, queues up to `capacity`, refuses beyond with a Retry-After', async () => {
    const a = new Admission(2, 2, 1_000);
    a.admit(2, far());
    const r1 = await a.acquire(far());
    const r2 = await a.acquire(far());
    a.admit(2, far());
    const w1 = a.acquire(far());
    const w2 = a.acquire(far());
    expect([a.active, a.queued]).toEqual([2, 2]);
    let refused: unknown;
    try {
      a.admit(1, far());
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(BusyError);
    // 2 running + 2 waiting + 1 asked, 2 at a time, ~1 s each → 3 rounds
    expect((refused as BusyError).retryAfterS).toBe(3);
    r1();
    r2();
    (await w1)();
    (await w2)();
    expect([a.active, a.queued]).toEqual([0, 0]);
  });

  it('refuses at once when the last image could not start before the deadline', async () => {
    const a = new Admission(1, 10, 500);
    a.admit(1, far());
    const r = await a.acquire(far());
    // one running, 3 more to queue: the last starts after ~3 × 500 ms
    expect(() => a.admit(3, Date.now() + 1_000)).toThrow(/deadline cannot be met/);
    expect(() => a.admit(3, Date.now() + 2_000)).not.toThrow();
    r();
  });

  it('a waiter whose deadline passes is refused at that moment, not left waiting', async () => {
    const a = new Admission(1, 4, 10);
    const r = await a.acquire(far());
    const t0 = Date.now();
    const e = await a.acquire(Date.now() + 40).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BusyError);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(a.queued).toBe(0);
    r();
    expect(a.active).toBe(0);
  });

  it('interactive waiters go before background ones', async () => {
    const a = new Admission(1, 10, 10);
    const r = await a.acquire(far());
    const order: string[] = [];
    const bg = a.acquire(far(), 'background').then((rel) => (order.push('background'), rel()));
    const it1 = a.acquire(far(), 'interactive').then((rel) => (order.push('interactive'), rel()));
    r();
    await Promise.all([bg, it1]);
    expect(order).toEqual(['interactive', 'background']);
  });

  it('close() refuses new work but lets admitted work finish; idle() waits for it', async () => {
    const a = new Admission(1, 2, 10);
    const r = await a.acquire(far());
    a.close('shutting down');
    expect(() => a.admit(1, far())).toThrow('shutting down');
    setTimeout(r, 30);
    expect(await a.idle(1_000)).toBe(true);
  });
});
