/** A ciphertext that does not open: tampered, truncated, sealed for another subject or kind, or under another key. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  constructor(
    /** What was being opened (e.g. `memories.text`). */
    readonly what: string,
    reason: string,
  ) {
    super(`cannot decrypt ${what}: ${reason}`);
  }
}

/**
 * The data key a ciphertext names no longer exists (its subject was crypto-shredded) or never
 * existed here: the ciphertext is unreadable for good.
 */
export class KeyDestroyedError extends Error {
  override readonly name = 'KeyDestroyedError';
  constructor(readonly keyId: string) {
    super(`data key ${keyId} does not exist (destroyed by erasure, or never created here): the ciphertext cannot be read`);
  }
}

/** Master-key configuration that cannot be used (missing in production, malformed, unknown id). */
export class MasterKeyConfigError extends Error {
  override readonly name = 'MasterKeyConfigError';
}
