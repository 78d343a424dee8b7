import { BadRequestError, type VersionVector } from '@frontier/memory-data-access';

/** A device id: 1-64 of letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_ENTRIES = 1_000;
const MAX_COUNTER = 2_147_483_647;

export function isDeviceId(x: unknown): x is string {
  return typeof x === 'string' && DEVICE_ID.test(x);
}

/** A device id as given (`field` names where it came from), or a 400 naming that field. */
export function parseDeviceId(raw: unknown, field: string): string {
  if (!isDeviceId(raw)) throw new BadRequestError(field, `${field} must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  return raw;
}

/**
 * A version vector as sent: `device:counter` pairs joined by commas (`phone:12,server:40`), in
 * any order; empty = nothing seen yet. Anything else is a 400 naming `field`.
 */
export function parseVector(raw: string | undefined, field = 'since'): VersionVector {
  const out: VersionVector = {};
  if (raw === undefined || raw.trim() === '') return out;
  const parts = raw.split(',');
  if (parts.length > MAX_ENTRIES) throw new BadRequestError(field, `${field} must have at most ${MAX_ENTRIES} entries`);
  for (const part of parts) {
    const m = /^([^:]+):(\d{1,10})$/.exec(part.trim());
    if (!m || !isDeviceId(m[1])) throw new BadRequestError(field, `${field} must be "device:counter" pairs joined by commas (device ids of letters, digits, ".", "_", "-"); got "${part.slice(0, 80)}"`);
    const device = m[1] as string;
    const counter = Number(m[2]);
    if (counter > MAX_COUNTER) throw new BadRequestError(field, `${field}: counter of ${device} is out of range`);
    if (device in out) throw new BadRequestError(field, `${field}: device ${device} appears twice`);
    out[device] = counter;
  }
  return out;
}

/** The wire form of a vector (devices sorted; zero entries left out). */
export function formatVector(v: VersionVector): string {
  return Object.keys(v)
    .filter((d) => (v[d] ?? 0) > 0)
    .sort()
    .map((d) => `${d}:${v[d]}`)
    .join(',');
}

/** Entry-wise maximum. */
export function mergeVectors(a: VersionVector, b: VersionVector): VersionVector {
  const out: VersionVector = { ...a };
  for (const [d, c] of Object.entries(b)) out[d] = Math.max(out[d] ?? 0, c);
  return out;
}
