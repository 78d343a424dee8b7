import { BadRequestError } from '@frontier/memory-data-access';
import { formatVector, mergeVectors, parseDeviceId, parseVector } from './vector';
import { newerThan, resolveWrite } from './resolve';

describe('version vectors on the wire', () => {
  it('parses "device:counter" pairs in any order and formats them sorted, zeros left out', () => {
    expect(parseVector('server:40,phone-1:12')).toEqual({ server: 40, 'phone-1': 12 });
    expect(parseVector('')).toEqual({});
    expect(parseVector(undefined)).toEqual({});
    expect(formatVector({ server: 40, 'phone-1': 12, tablet: 0 })).toBe('phone-1:12,server:40');
    expect(mergeVectors({ a: 3, b: 1 }, { b: 4, c: 2 })).toEqual({ a: 3, b: 4, c: 2 });
  });

  it.each(['phone', 'phone:', ':3', 'phone:-1', 'phone:1.5', 'phone:3,phone:4', 'ph one:3', 'phone:99999999999', 'a:1;b:2', 'phone:3,'])('refuses %j with a 400 naming since', (raw) => {
    let err: unknown;
    try {
      parseVector(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).field).toBe('since');
  });

  it('device ids: 1-64 safe characters', () => {
    expect(parseDeviceId('phone-1.a_b', 'X-Device-Id')).toBe('phone-1.a_b');
    for (const bad of ['', '-x', 'a b', 'x'.repeat(65), 'é', 'a:b', 'a,b', 3]) expect(() => parseDeviceId(bad, 'X-Device-Id')).toThrow(/X-Device-Id/);
  });
});

describe('concurrent writes: dedup first, then the newer edit wins, ties by device id', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const current = { text: 'My daughter is 7', type: 'relationship', confidence: 0.9 };

  it('a write that changes nothing is a duplicate, whoever is newer', () => {
    expect(resolveWrite({ op: 'update', text: ' my daughter is 7. ' }, { editedAt: t(1), deviceId: 'a' }, current, [{ editedAt: t(9), deviceId: 'z' }])).toEqual({ action: 'duplicate' });
    expect(resolveWrite({ op: 'delete' }, { editedAt: t(1), deviceId: 'a' }, null, [])).toEqual({ action: 'duplicate' });
  });

  it('the newer edit wins; equal times go to the greater device id; the outcome is the same in either arrival order', () => {
    expect(newerThan({ editedAt: t(2), deviceId: 'a' }, { editedAt: t(1), deviceId: 'z' })).toBe(true);
    expect(newerThan({ editedAt: t(1), deviceId: 'b' }, { editedAt: t(1), deviceId: 'a' })).toBe(true);
    expect(newerThan({ editedAt: t(1), deviceId: 'a' }, { editedAt: t(1), deviceId: 'a' })).toBe(false);
    const a = { editedAt: t(5), deviceId: 'laptop' };
    const b = { editedAt: t(5), deviceId: 'phone' };
    // a first, then b (which sees a as concurrent) — and b first, then a
    expect(resolveWrite({ op: 'update', text: 'A' }, a, current, []).action).toBe('apply');
    expect(resolveWrite({ op: 'update', text: 'B' }, b, { ...current, text: 'A' }, [a]).action).toBe('apply');
    expect(resolveWrite({ op: 'update', text: 'B' }, b, current, []).action).toBe('apply');
    expect(resolveWrite({ op: 'update', text: 'A' }, a, { ...current, text: 'B' }, [b])).toEqual({ action: 'lost', to: b });
  });
});
