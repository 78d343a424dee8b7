import { createHmac } from 'node:crypto';
import type { MemoryScope } from '@frontier/memory-contracts';

/** The development default of `MEMORY_ERASURE_KEY` (set a secret of your own in production). */
export const DEV_ERASURE_KEY = 'frontier-dev-erasure-key';

/** A fact's text as compared for tombstones: case, accents' composition, punctuation and spacing ignored. */
export function normaliseFact(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The keyed hashes (HMAC-SHA256, hex) erasure keeps instead of ids and texts: without the key
 * nobody can tell whose record or which fact it is, nor confirm a guess.
 */
export class ErasureKeys {
  constructor(private readonly secret: string = DEV_ERASURE_KEY) {}

  private mac(...parts: string[]): string {
    return createHmac('sha256', this.secret).update(parts.join('\u0000')).digest('hex');
  }

  /** Who an erasure record or a tombstone belongs to. */
  user(scope: MemoryScope): string {
    return this.mac('user', scope.tenantId, scope.userId);
  }

  /** An erased fact of that user (its normalised text). */
  fact(text: string): string {
    return this.mac('fact', normaliseFact(text));
  }
}
