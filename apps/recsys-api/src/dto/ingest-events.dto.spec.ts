import 'reflect-metadata';
import type { BadRequestException } from '@nestjs/common';
import fc from 'fast-check';
import { createValidationPipe } from '@frontier/platform-nest';
import { InvalidInputError } from '@frontier/platform-util';
import { EventDto, eventProblem, toEventInputs, type IngestEventsDto } from './ingest-events.dto';

/** What the platform's validation pipe says of one event through EventDto's decorators: the refused keys. */
async function decoratorVerdict(raw: unknown, now: number): Promise<string[]> {
  const realNow = Date.now;
  Date.now = () => now;
  try {
    await createValidationPipe().transform(raw, { type: 'body', metatype: EventDto, data: undefined });
    return [];
  } catch (e) {
    return Object.keys(((e as BadRequestException).getResponse() as { fields: Record<string, string[]> }).fields);
  } finally {
    Date.now = realNow;
  }
}

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('POST /v1/events: the one-pass check agrees with the platform decorators on EventDto', () => {
  const id = fc.oneof(fc.constantFrom('u-1', 'video_9', 'x'.repeat(128)), fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), 'a\u200bb', 'tab\there', 7, null, undefined));
  const event = fc.record(
    {
      event_id: id,
      user_id: id,
      item_id: id,
      type: fc.constantFrom('impression', 'click', 'skip', 'watch', 'purchase', 'like', '', 3),
      watch_seconds: fc.constantFrom(0, 12.5, 86_400, -1, 86_400.5, '12', Number.NaN),
      surface: fc.constantFrom('home', 'x'.repeat(64), 'x'.repeat(65), 'a b'),
      request_id: fc.constantFrom('2b0e3f5e-8a57-4d0e-9d6c-1f2a3b4c5d6e', 'r-1', '2b0e3f5e8a574d0e9d6c1f2a3b4c5d6e', 5),
      position: fc.constantFrom(0, 999, 1000, -1, 1.5, '3'),
      propensity: fc.constantFrom(1, 0.25, 1e-300, 0, -0.1, 1.01, '0.5'),
      at: fc.constantFrom('2026-12-01T10:00:00Z', '2026-12-02', 1_764_000_000, '2026-02-30', '2099-01-01T00:00:00Z', 'yesterday', 1_764_000_000_000, '1969-12-31T23:59:59Z'),
      extra: fc.constantFrom(true),
    },
    { requiredKeys: [] },
  );

  it('accepts exactly what the decorators accept, and names a key they refuse', async () => {
    await fc.assert(
      fc.asyncProperty(event, async (raw) => {
        const refused = await decoratorVerdict(raw, NOW);
        const mine = eventProblem(raw, NOW);
        expect(mine === null).toBe(refused.length === 0);
        if (mine) expect(refused).toContain(mine[0]);
      }),
      { numRuns: 400, seed: 12 },
    );
  });

  it('turns a valid batch into inputs (at defaults to now) and refuses the first bad event naming it', () => {
    const now = new Date(NOW);
    const dto = { events: [{ event_id: 'a', user_id: 'u', item_id: 'i', type: 'watch', watch_seconds: 3, at: 1_764_000_000 }, { event_id: 'b', user_id: 'u', item_id: 'i', type: 'click' }] } as IngestEventsDto;
    expect(toEventInputs(dto, now)).toEqual([
      { eventId: 'a', userId: 'u', itemId: 'i', type: 'watch', watchSeconds: 3, at: new Date(1_764_000_000_000) },
      { eventId: 'b', userId: 'u', itemId: 'i', type: 'click', at: now },
    ]);
    const bad = { events: [...dto.events, { event_id: 'c', user_id: 'u', item_id: 'i', type: 'like' }] } as IngestEventsDto;
    expect(() => toEventInputs(bad, now)).toThrow(InvalidInputError);
    expect(() => toEventInputs(bad, now)).toThrow(/^events\.2\.type must be one of the following values/);
  });
});
