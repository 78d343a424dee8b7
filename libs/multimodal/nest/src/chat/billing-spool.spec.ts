import type { BillingEventPayload } from '@frontier/multimodal-contracts';
import { FrontierError } from '@frontier/platform-util';
import { SpooledBilling } from './billing-spool';

const event = (n: number): BillingEventPayload => ({ requestId: `r${n}`, tenantId: 't', keyId: 'k', model: 'm', status: 'completed', at: '2026-12-01T00:00:00Z', lines: [] });
const outage = () => new FrontierError('unavailable', 'postgres.unavailable', 'the database is unreachable', { retryAfterS: 2 });

describe('billing spool: a Postgres outage at the end of a request loses no bill', () => {
  it('keeps events while Postgres is down and stores them, in order, once it is back', async () => {
    const stored: string[] = [];
    let down = true;
    const billing = new SpooledBilling(async (e) => {
      if (down) throw outage();
      stored.push(e.requestId);
    }, 20);
    await billing.record(event(1));
    await billing.record(event(2));
    expect(billing.pending).toBe(2);
    down = false;
    await new Promise((r) => setTimeout(r, 60));
    expect(stored).toEqual(['r1', 'r2']);
    expect(billing.pending).toBe(0);
    await billing.record(event(3));
    expect(stored).toEqual(['r1', 'r2', 'r3']);
  });

  it('throws what is not an outage (a bad event is the caller’s bug), and bounds the spool', async () => {
    const bad = new SpooledBilling(async () => {
      throw new TypeError('lines.0.tokens must be a number');
    });
    await expect(bad.record(event(1))).rejects.toThrow(TypeError);
    const full = new SpooledBilling(async () => {
      throw outage();
    }, 60_000, 2);
    for (let i = 0; i < 4; i++) await full.record(event(i));
    expect(full.pending).toBe(2);
    await full.onApplicationShutdown();
  });
});
