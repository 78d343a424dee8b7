import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Key layout: `fk_<12 hex: public id>_<43 chars: secret>`; only a SHA-256 of the secret is stored. */
const KEY_PATTERN = /^fk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  prefix: string;
  secretHash: string;
  /** Shown to the caller once; never stored. */
  plaintext: string;
}

export function mintApiKey(): NewKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secretHash: hashSecret(secret), plaintext: `fk_${prefix}_${secret}` };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { prefix: m[1] as string, secret: m[2] as string } : null;
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `granted` covers every scope in `required` (`*` covers all, `memory:*` covers `memory:x`). */
export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((r) => granted.some((g) => g === '*' || g === r || (g.endsWith(':*') && r.startsWith(g.slice(0, -1)))));
}
