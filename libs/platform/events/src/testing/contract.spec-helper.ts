import { randomBytes } from 'node:crypto';
import { until } from '@frontier/platform-testing';
import { FrontierError } from '@frontier/platform-util';
import { deadLetterStream, type DeadLetter, type DeliveredEvent, type EventBus } from '../event-bus';

/** A bus as one process holds it; `abort` drops its connections as a crash would. */
export type TestBus = EventBus & { abort(): void };

/** A broker of the test's own that it can stop (fault tests). */
export interface PrivateBroker {
  open(): TestBus;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export interface BusHarness {
  /** A new bus on the shared broker, with its own connections (one "process"). */
  open(): TestBus;
  /** Removes what a stream left on the broker. */
  dropStream(stream: string): Promise<void>;
  privateBroker(): Promise<PrivateBroker>;
  /** Called once after the suite. */
  close(): Promise<void>;
}

const ACK_WAIT = 1_000;
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The EventBus contract, run by each adapter's spec on its real broker: ordering, dedup, work
 * sharing with no loss and no double handling, redelivery after a consumer dies mid-handler and
 * after a handler throws, dead letters, independent groups, fan-out, draining close, and the 503
 * of a publish while the broker is down.
 */
export function eventBusContract(label: string, harness: () => Promise<BusHarness>): void {
  describe(`EventBus contract: ${label}`, () => {
    jest.setTimeout(30_000); // real brokers on a shared, loaded machine
    let h: BusHarness;
    const buses: TestBus[] = [];
    const streams: string[] = [];
    const open = () => {
      const b = h.open();
      buses.push(b);
      return b;
    };
    const stream = () => {
      const s = `t${randomBytes(5).toString('hex')}`;
      streams.push(s, deadLetterStream(s));
      return s;
    };
    const publishAll = async (bus: EventBus, s: string, n: number, from = 0) => {
      for (let i = from; i < from + n; i++) await bus.publish(s, { id: `m${i}`, payload: { i } });
    };

    beforeAll(async () => {
      h = await harness();
    }, 30_000);

    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close().catch(() => undefined)));
      for (const s of streams.splice(0)) await h.dropStream(s);
    }, 30_000);

    afterAll(async () => {
      await h?.close();
    });

    it('delivers in publish order to a consumer of concurrency 1 and to a subscriber', async () => {
      const bus = open();
      const s = stream();
      const sub: number[] = [];
      await bus.subscribe<{ i: number }>(s, (e) => void sub.push(e.payload.i));
      await publishAll(bus, s, 30);
      const got: number[] = [];
      await bus.consume<{ i: number }>(s, 'g', (e) => void got.push(e.payload.i), { ackWaitMs: ACK_WAIT });
      await until(async () => got.length === 30 && sub.length === 30, 15_000, 'all 30');
      const order = [...Array(30).keys()];
      expect(got).toEqual(order);
      expect(sub).toEqual(order);
    });

    it('drops a message whose id was published within the dedup window', async () => {
      const bus = open();
      const s = stream();
      const first = await bus.publish(s, { id: 'a', payload: 1 });
      const again = await bus.publish(s, { id: 'a', payload: 2 });
      await bus.publish(s, { id: 'b', payload: 3 });
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ duplicate: true });
      const got: Array<[string, unknown]> = [];
      await bus.consume(s, 'g', (e) => void got.push([e.id, e.payload]), { ackWaitMs: ACK_WAIT });
      await until(async () => got.length >= 2, 10_000, 'a and b');
      await sleep(300);
      expect(got).toEqual([
        ['a', 1],
        ['b', 3],
      ]);
    });

    it('shares a group between two consumers: every message handled once, none lost', async () => {
      const [one, two] = [open(), open()];
      const s = stream();
      const seen = new Map<string, number>();
      const by = { one: 0, two: 0 };
      const handler = (who: 'one' | 'two') => async (e: DeliveredEvent<unknown>) => {
        by[who]++;
        seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
        await sleep(2);
      };
      await one.consume(s, 'workers', handler('one'), { concurrency: 4, ackWaitMs: 5_000 });
      await two.consume(s, 'workers', handler('two'), { concurrency: 4, ackWaitMs: 5_000 });
      await publishAll(one, s, 200);
      await until(async () => seen.size === 200, 20_000, '200 handled');
      await sleep(300);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect(by.one + by.two).toBe(200);
      expect(by.one).toBeGreaterThan(0);
      expect(by.two).toBeGreaterThan(0);
    });

    it('delivers the messages of a consumer killed mid-handler to the group’s other consumer', async () => {
      const [doomed, survivor] = [open(), open()];
      const s = stream();
      const held = new Set<string>();
      const never = deferred();
      await doomed.consume(s, 'workers', async (e) => {
        held.add(e.id);
        await never.promise;
      }, { concurrency: 10, ackWaitMs: ACK_WAIT });
      await publishAll(doomed, s, 10);
      await until(async () => held.size === 10, 10_000, 'the doomed consumer holding all 10');
      doomed.abort();
      const redelivered = new Map<string, number>();
      await survivor.consume(s, 'workers', (e) => void redelivered.set(e.id, e.deliveries), { concurrency: 10, ackWaitMs: ACK_WAIT });
      await until(async () => redelivered.size === 10, 20_000, 'all 10 redelivered');
      expect([...redelivered.keys()].sort()).toEqual([...held].sort());
      expect(Math.min(...redelivered.values())).toBeGreaterThanOrEqual(2);
      never.resolve();
    }, 30_000);

    it('redelivers after a handler throws, then dead-letters after maxDeliver runs', async () => {
      const bus = open();
      const s = stream();
      const runs: number[] = [];
      await bus.consume(s, 'g', (e) => {
        runs.push(e.deliveries);
        if (e.id === 'bad') throw new Error('boom');
      }, { ackWaitMs: ACK_WAIT, maxDeliver: 2 });
      await bus.publish(s, { id: 'bad', payload: { x: 1 } });
      const dead: DeadLetter[] = [];
      await bus.consume<DeadLetter>(deadLetterStream(s), 'audit', (e) => void dead.push(e.payload), { ackWaitMs: ACK_WAIT });
      await until(async () => dead.length === 1, 20_000, 'the dead letter');
      expect(runs).toEqual([1, 2]);
      expect(dead[0]).toMatchObject({ stream: s, group: 'g', id: 'bad', payload: { x: 1 }, deliveries: 2, error: 'boom' });
      await bus.publish(s, { id: 'good', payload: {} });
      await until(async () => runs.length === 3, 10_000, 'the next message');
      expect(runs).toEqual([1, 2, 1]);
    }, 30_000);

    it('runs a handler that failed with a short retryAfterS (unavailable) again after that delay, in-process — not after the ack wait', async () => {
      const bus = open();
      const s = stream();
      const runs: Array<{ deliveries: number; at: number }> = [];
      await bus.consume(s, 'g', (e) => {
        runs.push({ deliveries: e.deliveries, at: Date.now() });
        if (runs.length < 3) throw new FrontierError('unavailable', 'test.busy', 'held; try again shortly', { retryAfterS: 0.2 });
      }, { ackWaitMs: 20_000 });
      await bus.publish(s, { id: 'held', payload: {} });
      await until(async () => runs.length === 3, 10_000, 'the third run');
      expect(runs.map((r) => r.deliveries)).toEqual([1, 1, 1]); // one delivery, run three times
      expect(runs[2]!.at - runs[0]!.at).toBeGreaterThanOrEqual(350);
      expect(runs[2]!.at - runs[0]!.at).toBeLessThan(5_000);
      await sleep(300);
      expect(runs).toHaveLength(3); // acked after the third run
    }, 30_000);

    it('gives two groups every message each', async () => {
      const bus = open();
      const s = stream();
      const a = new Set<string>();
      const b = new Set<string>();
      await bus.consume(s, 'features', (e) => void a.add(e.id), { concurrency: 3, ackWaitMs: ACK_WAIT });
      await bus.consume(s, 'training', (e) => void b.add(e.id), { ackWaitMs: ACK_WAIT });
      await publishAll(bus, s, 50);
      await until(async () => a.size === 50 && b.size === 50, 15_000, 'both groups');
    });

    it('fans out: every subscriber (process) sees every message published after it subscribed', async () => {
      const [p1, p2, publisher] = [open(), open(), open()];
      const s = stream();
      await publishAll(publisher, s, 3); // before anyone listens: not seen
      const one: string[] = [];
      const two: string[] = [];
      await p1.subscribe(s, (e) => void one.push(e.id));
      await p2.subscribe(s, (e) => {
        two.push(e.id);
        if (e.id === 'm4') throw new Error('a subscriber error is logged, not redelivered');
      });
      await publishAll(publisher, s, 20, 3);
      const expected = [...Array(20).keys()].map((i) => `m${i + 3}`);
      await until(async () => one.length === 20 && two.length === 20, 15_000, 'both subscribers');
      expect(one).toEqual(expected);
      expect(two).toEqual(expected);
    });

    it('close drains: handlers in flight finish and are acked, nothing comes back', async () => {
      const bus = open();
      const s = stream();
      const started: string[] = [];
      const finished: string[] = [];
      await bus.consume(s, 'g', async (e) => {
        started.push(e.id);
        await sleep(400);
        finished.push(e.id);
      }, { concurrency: 2, ackWaitMs: ACK_WAIT });
      await publishAll(bus, s, 2);
      await until(async () => started.length === 2, 10_000, 'both started');
      await bus.close();
      expect(finished.sort()).toEqual(['m0', 'm1']);
      const after = open();
      const again: string[] = [];
      await after.consume(s, 'g', (e) => void again.push(e.id), { ackWaitMs: ACK_WAIT });
      await sleep(ACK_WAIT * 2);
      expect(again).toEqual([]);
    }, 20_000);

    it('answers a publish while the broker is down with a typed unavailable error (503)', async () => {
      const broker = await h.privateBroker();
      const bus = broker.open();
      buses.push(bus);
      const s = stream();
      try {
        await bus.publish(s, { id: 'before', payload: 1 });
        await broker.stop();
        const t0 = Date.now();
        const e = await bus.publish(s, { id: 'during', payload: 2 }).then(() => undefined, (err: unknown) => err);
        expect(e).toBeInstanceOf(FrontierError);
        expect(e).toMatchObject({ category: 'unavailable', retryAfterS: expect.any(Number) });
        expect(Date.now() - t0).toBeLessThan(5_000);
      } finally {
        await bus.close().catch(() => undefined);
        await broker.dispose();
      }
    }, 40_000);
  });
}
